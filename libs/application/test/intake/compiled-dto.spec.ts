import { IsString, ValidateNested, validateSync } from 'class-validator';
import fc from 'fast-check';
import {
  CloudEventDto,
  INTAKE_VALIDATOR_OPTIONS,
  compileDto,
  decodeBinary,
  decodeStructured,
  validateCloudEvent,
} from '../../src/intake';
import {
  ContractClosedDataDto,
  ContractOpenedDataDto,
  HeadcountChangedDataDto,
  IdServiceAddedDataDto,
} from '../../src/intake/contract-data.dto';
import { CredentialVerifiedDataDto, IdRegisteredDataDto, IdRevokedDataDto } from '../../src/intake/identity-data.dto';
import { CONTEXT, VALID_DATA, event } from './fixtures';

// Values near every rule's edges, plus anything at all.
const SAMPLES: unknown[] = [
  undefined,
  null,
  '',
  'acme',
  '身分証',
  'a\nb',
  'x'.repeat(128),
  'x'.repeat(129),
  '1.0',
  '1.1',
  'IdRegistered',
  'ContractOpened',
  'Foo',
  'revoked',
  'lost',
  'entry-exit',
  'id',
  '2025-10-05',
  '2025-02-30',
  '2025-10-12T09:30:00+09:00',
  '2025-10-12T09:30:00',
  '2099-01-01T00:00:00Z',
  0,
  -0,
  -1,
  1.5,
  80,
  2 ** 53,
  [],
  ['id'],
  ['entry-exit', 'id'],
  ['id', 'id'],
  ['x'],
  {},
  { constructor: 1 },
  { orgId: 'acme', idId: 'a' },
];
const value = fc.oneof(fc.constantFrom(...SAMPLES), fc.anything());

const DTOS: readonly [new () => object, readonly string[]][] = [
  [CloudEventDto, ['specversion', 'id', 'source', 'type', 'time', 'data', 'subject']],
  [IdRegisteredDataDto, ['orgId', 'idId']],
  [IdRevokedDataDto, ['orgId', 'idId', 'reason']],
  [CredentialVerifiedDataDto, ['holderOrgId', 'holderIdId', 'verifierOrgId', 'verifierIdId']],
  [ContractOpenedDataDto, ['orgId', 'appliedOn', 'openedOn', 'services', 'channel', 'declaredMembers', 'plannedUsers']],
  [IdServiceAddedDataDto, ['orgId', 'appliedOn', 'openedOn', 'channel', 'declaredMembers', 'plannedUsers']],
  [HeadcountChangedDataDto, ['orgId', 'changedOn', 'declaredMembers', 'plannedUsers']],
  [ContractClosedDataDto, ['orgId', 'closedOn']],
];

/** Mostly-valid objects (so that both verdicts are common) with up to three fields replaced. */
function near(valid: Record<string, unknown>, fields: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(
      fc.subarray([...fields], { maxLength: Math.min(3, fields.length) }),
      fc.array(value, { minLength: 3, maxLength: 3 }),
    )
    .map(([changed, values]) => ({ ...valid, ...Object.fromEntries(changed.map((field, i) => [field, values[i]])) }));
}

const validFor = (cls: new () => object): Record<string, unknown> =>
  cls === CloudEventDto ? event('IdRegistered') : VALID_DATA[cls.name.replace(/DataDto$/, '')]!;

describe('the compiled DTO check agrees with class-validator', () => {
  it.each(DTOS)(
    '%p: accepts exactly what validateSync accepts, on an instance carrying the declared fields as sent',
    (cls, fields) => {
      const compiled = compileDto(cls);
      let acceptedCount = 0;
      fc.assert(
        fc.property(near(validFor(cls), fields), (plain) => {
          const instance = compiled.instantiate(plain);
          expect(instance).toBeInstanceOf(cls);
          // Only the declared fields, each exactly the value sent (objects by reference: no copy walks them).
          for (const [field, carried] of Object.entries(instance)) {
            expect(fields).toContain(field);
            expect(carried).toBe(plain[field]);
          }
          const valid = validateSync(instance, INTAKE_VALIDATOR_OPTIONS).length === 0;
          expect(compiled.accepts(plain)).toBe(valid);
          if (valid) acceptedCount += 1;
        }),
        { numRuns: 600 },
      );
      // The property means little unless both answers were seen often.
      expect(acceptedCount).toBeGreaterThan(20);
    },
  );

  it('refuses DTOs using rules it cannot reproduce exactly, instead of checking them differently', () => {
    class Nested {
      @ValidateNested()
      child!: object;
    }
    class Each {
      @IsString({ each: true })
      names!: string[];
    }
    class Bare {}
    expect(() => compileDto(Nested).accepts({})).toThrow(
      'Nested.child: nestedValidation rules are not supported by the compiled intake check',
    );
    expect(() => compileDto(Each).accepts({})).toThrow(
      'Each.names: groups, each and validateIf are not supported by the compiled intake check',
    );
    expect(() => compileDto(Bare).accepts({})).toThrow('Bare declares no validation rules');
  });
});

describe('intake never throws', () => {
  it('gives a verdict for any JSON value, at the top level or as data of any type', () => {
    const types = fc.constantFrom(...Object.keys(VALID_DATA), 'Foo');
    fc.assert(
      fc.property(fc.jsonValue(), types, fc.anything(), (json, type, data) => {
        for (const intake of [
          validateCloudEvent(json, CONTEXT),
          decodeStructured(JSON.stringify(json) ?? 'undefined', CONTEXT),
          validateCloudEvent(event(type, data as Record<string, unknown>), CONTEXT),
          decodeBinary(
            { ce_specversion: '1.0', ce_id: 'e', ce_source: 's', ce_type: type, ce_time: '2025-10-12T09:30:00Z' },
            Buffer.from(JSON.stringify(json) ?? ''),
            CONTEXT,
          ),
        ]) {
          if (!intake.ok) expect(intake.reason).toMatch(/^(not JSON|event|specversion|id|source|type|time|data)\b/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
