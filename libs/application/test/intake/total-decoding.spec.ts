import fc from 'fast-check';
import { MessageHeader } from '@smartme/ports';
import {
  Intake,
  MAX_REASON_LENGTH,
  decodeBinary,
  decodeKafkaMessage,
  decodeStructured,
  kafkaContentMode,
  safeText,
} from '../../src/intake';
import { CONTEXT, VALID_DATA, event, recordFor } from './fixtures';

/** What a stored or printed reason must never hold (see safe-text.ts). */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/** The verdict, asserting it is one and that its reason is safe to store and print. */
function verdict(decode: () => Intake): Intake {
  let result: Intake;
  try {
    result = decode();
  } catch (error) {
    throw new Error(`decoding threw: ${(error as Error).message}`);
  }
  if (!result.ok) {
    expect(UNSAFE.test(result.reason)).toBe(false);
    expect(result.reason.length).toBeLessThanOrEqual(6 * (MAX_REASON_LENGTH + 1));
    // Totality comes from the decoding itself, not from the catch-all around it.
    expect(result.reason.startsWith('internal')).toBe(false);
    expect(result.reason.length).toBeGreaterThan(0);
  }
  return result;
}

const reasonOf = (result: Intake): string => (result.ok ? '' : result.reason);

function deepArray(depth: number, leaf: unknown = 'x'): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

function deepObject(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

/** JSON text nested `depth` levels, written directly: JSON.stringify itself recurses. */
const deepArrayText = (depth: number): string => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;
const deepObjectText = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const ENVELOPE_FIELDS = ['specversion', 'id', 'source', 'type', 'time', 'data'] as const;

describe('intake is a total function', () => {
  it('gives a verdict with a safe reason for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        verdict(() => decodeStructured(Buffer.from(bytes), CONTEXT));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives a verdict for valid events with arbitrary bytes spliced in anywhere', () => {
    const texts = Object.keys(VALID_DATA).map((type) => Buffer.from(JSON.stringify(event(type))));
    fc.assert(
      fc.property(
        fc.constantFrom(...texts),
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        (text, at, bytes) => {
          const cut = at % (text.length + 1);
          verdict(() =>
            decodeStructured(Buffer.concat([text.subarray(0, cut), Buffer.from(bytes), text.subarray(cut)]), CONTEXT),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('gives a verdict for any JSON value in any envelope field, naming the field when it rejects', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(VALID_DATA)),
        fc.constantFrom(...ENVELOPE_FIELDS),
        fc.jsonValue({ maxDepth: 6 }),
        (type, field, value) => {
          const result = verdict(() =>
            decodeStructured(JSON.stringify(event(type, undefined, { [field]: value })), CONTEXT),
          );
          if (!result.ok && !result.reason.startsWith('time:')) expect(result.reason).toContain(field);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('gives a verdict for any JSON value in any data field of any type', () => {
    const fields = Object.entries(VALID_DATA).flatMap(([type, data]) =>
      [...Object.keys(data), 'unknownField'].map((field) => [type, field] as const),
    );
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 6 }), ([type, field], value) => {
        const data = { ...VALID_DATA[type], [field]: value };
        const result = verdict(() => decodeStructured(JSON.stringify(event(type, data)), CONTEXT));
        if (field === 'unknownField') expect(result.ok).toBe(true);
        else if (!result.ok) expect(result.reason).toContain(`data.${field}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives a verdict for any Kafka headers and value, in either mode', () => {
    const name = fc.oneof(
      fc.constantFrom(
        'ce_specversion',
        'ce_id',
        'ce_source',
        'ce_type',
        'ce_time',
        'CE_ID',
        'content-type',
        'Content-Type',
        'traceparent',
      ),
      fc.string({ maxLength: 12 }),
    );
    const value = fc.oneof(
      fc.constantFrom(
        '1.0',
        'IdRegistered',
        'e-1',
        'identity-platform',
        '2025-10-12T09:30:00+09:00',
        'application/json',
        'application/cloudevents+json',
        'application/cloudevents-batch+json',
        'text/plain',
      ),
      fc.string({ maxLength: 20 }),
    );
    const header = fc.record({
      name,
      value: fc.oneof(
        value.map((text) => Buffer.from(text)),
        fc.uint8Array({ maxLength: 16 }).map((bytes) => Buffer.from(bytes)),
      ),
    });
    const body = fc.oneof(
      fc.constant(Buffer.from(JSON.stringify(VALID_DATA.IdRegistered))),
      fc.constant(Buffer.from(JSON.stringify(event('IdRegistered')))),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
      fc.constant(null),
    );
    fc.assert(
      fc.property(fc.array(header, { maxLength: 10 }), body, (headers: MessageHeader[], raw) => {
        verdict(() => decodeKafkaMessage(raw, headers, CONTEXT));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('intake: nesting of any depth, in any field', () => {
  const DEPTHS = [5_000, 100_000];

  it.each(DEPTHS)('rejects an envelope field nested %i levels deep, naming it', (depth) => {
    for (const field of ENVELOPE_FIELDS) {
      for (const text of [deepArrayText(depth), deepObjectText(depth)]) {
        const line = JSON.stringify(event('IdRegistered', undefined, { [field]: '__DEEP__' })).replace(
          '"__DEEP__"',
          text,
        );
        const result = verdict(() => decodeStructured(line, CONTEXT));
        // A deep object is still an object: as `data`, its fields are then missing.
        expect(reasonOf(result)).toMatch(new RegExp(`^${field}[:.]`));
      }
    }
  });

  it.each(DEPTHS)('rejects a data field nested %i levels deep, naming it', (depth) => {
    for (const [type, data] of Object.entries(VALID_DATA)) {
      for (const field of Object.keys(data)) {
        for (const text of [deepArrayText(depth), deepObjectText(depth)]) {
          const line = JSON.stringify(event(type, { ...data, [field]: '__DEEP__' })).replace('"__DEEP__"', text);
          const result = verdict(() => decodeStructured(line, CONTEXT));
          expect(reasonOf(result)).toContain(`data.${field}`);
        }
      }
    }
  });

  it('accepts an event whose unknown field is nested deep, and drops that field', () => {
    const line = JSON.stringify(event('IdRegistered', { ...VALID_DATA.IdRegistered, extra: '__DEEP__' })).replace(
      '"__DEEP__"',
      deepArrayText(100_000),
    );
    expect(verdict(() => decodeStructured(line, CONTEXT))).toEqual({
      ok: true,
      record: recordFor(event('IdRegistered')),
    });
  });

  it('rejects deep nesting in binary-mode data and in an already-parsed value', () => {
    const headers = {
      ce_specversion: '1.0',
      ce_id: 'e-1',
      ce_source: 's',
      ce_type: 'IdRegistered',
      ce_time: '2025-10-12T09:30:00Z',
    };
    const value = Buffer.from(`{"orgId":${deepArrayText(100_000)},"idId":"a"}`);
    expect(reasonOf(verdict(() => decodeBinary(headers, value, CONTEXT)))).toBe('data.orgId: must be a string');
    expect(deepArray(3)).toEqual([[['x']]]);
    expect(deepObject(1)).toEqual({ a: 'x' });
  });
});

describe('intake: reasons are safe to store and print', () => {
  it('escapes a NUL that the JSON parser quotes from the input', () => {
    for (const text of ['\u0000{"id":"a"}', '{"id":\u0000}', `{"id":"a\u0000b"}`]) {
      const result = verdict(() => decodeStructured(Buffer.from(text), CONTEXT));
      expect(reasonOf(result)).not.toContain('\u0000');
    }
    expect(reasonOf(decodeStructured('\u0000', CONTEXT))).toContain('\\u0000');
  });

  it('escapes control, format and separator characters, and lone surrogates', () => {
    expect(safeText('a\u0000b\u001bc\u007fd\u202ee\u2028f\ud800g')).toBe(
      'a\\u0000b\\u001bc\\u007fd\\u202ee\\u2028f\\ud800g',
    );
    expect(safeText('身分証 ✓ 😀')).toBe('身分証 ✓ 😀');
  });

  it('cuts a long text, escaping a surrogate pair the cut splits', () => {
    expect(safeText('abcdef', 3)).toBe('abc…');
    expect(safeText('ab😀', 3)).toBe('ab\\ud83d…');
    const long = verdict(() => decodeStructured(`{"x": ${'1'.repeat(100_000)}`, CONTEXT));
    expect(reasonOf(long).length).toBeLessThanOrEqual(MAX_REASON_LENGTH + 1);
  });
});

describe('intake: byte order marks', () => {
  const text = JSON.stringify(event('IdRegistered'));
  const BOM = '\ufeff';

  it('ignores exactly one', () => {
    expect(decodeStructured(Buffer.from(`${BOM}${text}`), CONTEXT).ok).toBe(true);
    expect(decodeStructured(`${BOM}${text}`, CONTEXT).ok).toBe(true);
  });

  it('rejects two, or one anywhere but in front', () => {
    expect(reasonOf(verdict(() => decodeStructured(Buffer.from(`${BOM}${BOM}${text}`), CONTEXT)))).toMatch(
      /^not JSON: /,
    );
    expect(reasonOf(verdict(() => decodeStructured(`${BOM}${BOM}${text}`, CONTEXT)))).toMatch(/^not JSON: /);
    expect(reasonOf(verdict(() => decodeStructured(` ${BOM}${text}`, CONTEXT)))).toMatch(/^not JSON: /);
  });

  it('ignores one in front of a binary-mode value too', () => {
    const headers = {
      ce_specversion: '1.0',
      ce_id: 'e-1',
      ce_source: 's',
      ce_type: 'IdRegistered',
      ce_time: '2025-10-12T09:30:00Z',
    };
    const data = JSON.stringify(VALID_DATA.IdRegistered);
    expect(decodeBinary(headers, Buffer.from(`${BOM}${data}`), CONTEXT).ok).toBe(true);
    expect(decodeBinary(headers, Buffer.from(`${BOM}${BOM}${data}`), CONTEXT).ok).toBe(false);
  });
});

describe('intake: Kafka content mode (CloudEvents Kafka protocol binding)', () => {
  const header = (name: string, value: string): MessageHeader => ({ name, value: Buffer.from(value) });
  const structured = Buffer.from(JSON.stringify(event('IdRegistered')));
  const data = Buffer.from(JSON.stringify(VALID_DATA.IdRegistered));
  const attributes = [
    header('ce_specversion', '1.0'),
    header('ce_id', '0f8a4f7e-6a51-4c55-9d2e-1b9f8e6b2b11'),
    header('ce_source', 'identity-platform'),
    header('ce_type', 'IdRegistered'),
    header('ce_time', '2025-10-12T09:30:00+09:00'),
  ];

  it('is structured when content-type starts with application/cloudevents, whatever ce_* headers say', () => {
    for (const type of ['application/cloudevents+json', 'Application/CloudEvents+JSON; charset=utf-8']) {
      const headers = [header('content-type', type), header('ce_id', 'something-else')];
      expect(kafkaContentMode(headers)).toBe('structured');
      expect(decodeKafkaMessage(structured, headers, CONTEXT)).toEqual({
        ok: true,
        record: recordFor(event('IdRegistered')),
      });
    }
  });

  it('is binary otherwise, content-type being the datacontenttype', () => {
    for (const headers of [attributes, [...attributes, header('content-type', 'application/json; charset=utf-8')]]) {
      expect(kafkaContentMode(headers)).toBe('binary');
      expect(decodeKafkaMessage(data, headers, CONTEXT)).toEqual({
        ok: true,
        record: recordFor(event('IdRegistered')),
      });
    }
  });

  it('reads binary mode without ce_specversion as binary, and says the attribute is missing', () => {
    const headers = attributes.filter((h) => h.name !== 'ce_specversion');
    expect(reasonOf(verdict(() => decodeKafkaMessage(data, headers, CONTEXT)))).toBe('specversion: is required');
  });

  it('refuses binary-mode data of a media type that is not JSON', () => {
    const headers = [...attributes, header('content-type', 'text/plain')];
    expect(reasonOf(verdict(() => decodeKafkaMessage(data, headers, CONTEXT)))).toBe(
      'datacontenttype: "text/plain" is not JSON; the data must be a JSON object',
    );
  });

  it('refuses the batch format, which the Kafka binding does not have, and formats other than JSON', () => {
    const batch = [header('content-type', 'application/cloudevents-batch+json')];
    expect(reasonOf(verdict(() => decodeKafkaMessage(Buffer.from(`[${structured}]`), batch, CONTEXT)))).toMatch(
      /^content-type: "application\/cloudevents-batch\+json" is a batch, and the Kafka binding has no batch mode/,
    );
    const avro = [header('content-type', 'application/cloudevents+avro')];
    expect(reasonOf(verdict(() => decodeKafkaMessage(structured, avro, CONTEXT)))).toMatch(
      /^content-type: .*JSON event format/,
    );
  });

  it('reads a message without any CloudEvents header as structured (plain JSON producers)', () => {
    expect(kafkaContentMode([])).toBe('structured');
    expect(kafkaContentMode([header('traceparent', '00-abc')])).toBe('structured');
    expect(decodeKafkaMessage(structured, [header('traceparent', '00-abc')], CONTEXT).ok).toBe(true);
  });

  it('reads a repeated attribute by its last value, whatever the case of its name', () => {
    const headers = [...attributes, header('CE_TYPE', 'IdRevoked'), header('ce_type', 'IdRegistered')];
    expect(decodeKafkaMessage(data, headers, CONTEXT).ok).toBe(true);
  });
});
