/**
 * docs/asyncapi.yaml is true:
 * - it is a valid AsyncAPI 3 document (@asyncapi/parser: no error, no warning);
 * - its channels are the topics the service declares (names, partitions, retention, cleanup);
 * - every input event type has a structured-mode and a binary-mode message on its topic;
 * - its input schemas accept exactly what the intake accepts: fast-check generates events,
 *   mostly valid, often wrong in one field or at a boundary, and the intake's verdict
 *   (libs/application/src/intake) and the schemas' verdict (ajv with the document's formats)
 *   must agree on every one, in structured and in binary mode.
 * Real messages of a running service are checked against it in test/e2e/asyncapi-kafka.spec.ts.
 */
import { Parser } from '@asyncapi/parser';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { INPUT_EVENT_TYPES, InputEventType, familyOf } from '../../libs/domain/src';
import { decodeBinary, decodeStructured, intakeContext } from '../../libs/application/src/intake';
import { DEFAULT_KAFKA_TOPICS } from '../../libs/adapters/src/kafka/kafka-config';
import { DEFAULT_TOPIC_PROVISIONING, declareTopics } from '../../libs/adapters/src/kafka/topic-declarations';
import { ASYNCAPI_FILE, AsyncApi } from '../support/asyncapi';

const CONTRACT_EVENT_TYPES = INPUT_EVENT_TYPES.filter((type) => familyOf(type) === 'contract');
const IDENTITY_EVENT_TYPES = INPUT_EVENT_TYPES.filter((type) => familyOf(type) !== 'contract');

const asyncApi = new AsyncApi();

/** Far past any generated time, with no tolerance: the clock-skew rule (not in the schemas) never decides. */
const CONTEXT = intakeContext(Date.UTC(10_001, 0, 1), 0);

describe('docs/asyncapi.yaml', () => {
  it('is a valid AsyncAPI 3 document, without warnings', async () => {
    const { document, diagnostics } = await new Parser().parse(readFileSync(ASYNCAPI_FILE, 'utf8'));
    expect(
      diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`),
    ).toEqual([]);
    expect(document?.version()).toMatch(/^3\./);
  });

  it('has a channel for each topic the service declares, with its partitions, retention and cleanup policy', () => {
    const channels = Object.values(asyncApi.document.channels);
    const declared = declareTopics(DEFAULT_KAFKA_TOPICS, DEFAULT_TOPIC_PROVISIONING);
    expect(channels.map((channel) => channel.address).sort()).toEqual(declared.map((d) => d.name).sort());
    for (const declaration of declared) {
      const channel = channels.find((candidate) => candidate.address === declaration.name)!;
      expect(channel.bindings.kafka).toEqual({
        topic: declaration.name,
        partitions: declaration.partitions,
        // No `replicas`: the broker's default replication factor.
        topicConfiguration: { 'cleanup.policy': [declaration.cleanupPolicy], 'retention.ms': declaration.retentionMs },
        bindingVersion: '0.5.0',
      });
    }
  });

  it('describes every input event type in structured and binary mode on its topic, and the outputs', () => {
    const both = (types: readonly string[]) => types.flatMap((type) => [type, `${type}Binary`]).sort();
    expect(asyncApi.messagesOf(DEFAULT_KAFKA_TOPICS.identity).sort()).toEqual(both(IDENTITY_EVENT_TYPES));
    expect(asyncApi.messagesOf(DEFAULT_KAFKA_TOPICS.contracts).sort()).toEqual(both(CONTRACT_EVENT_TYPES));
    expect(asyncApi.messagesOf(DEFAULT_KAFKA_TOPICS.charges).sort()).toEqual(['ChargeAdjusted', 'ChargeIssued']);
    expect(asyncApi.messagesOf(DEFAULT_KAFKA_TOPICS.deadLetter)).toEqual(['RejectedInput']);
    for (const type of INPUT_EVENT_TYPES) {
      expect(asyncApi.document.components.schemas).toHaveProperty(`${type}Event`);
      expect(asyncApi.document.components.schemas).toHaveProperty(`${type}Data`);
    }
  });
});

// ---------------------------------------------------------------------------------------
// Generators: an event right in every field, then none, one or two of its fields (or of its
// data's) replaced by a value from the whole range of that field: right, wrong, at a boundary
// of the intake's rules, of another type, null or absent.

/** A field left out of its object. */
const ABSENT = undefined;

interface Field {
  readonly valid: fc.Arbitrary<unknown>;
  readonly any: fc.Arbitrary<unknown>;
}

const wrongType = fc.constantFrom<unknown>(ABSENT, null, 0, 1.5, true, {}, [], ['a'], { orgId: 'x' });
const field = (valid: fc.Arbitrary<unknown>, edges: fc.Arbitrary<unknown>): Field => ({
  valid,
  any: fc.oneof({ weight: 2, arbitrary: valid }, { weight: 4, arbitrary: edges }, { weight: 1, arbitrary: wrongType }),
});

const identifier = field(
  fc.oneof(
    { weight: 6, arbitrary: fc.stringMatching(/^[a-z0-9-]{1,12}$/) },
    fc.constantFrom(
      'a'.repeat(128),
      '漢'.repeat(128),
      '😀'.repeat(128),
      `${'😀'.repeat(64)}${'a'.repeat(64)}`,
      'ü',
      'a b',
      ' ',
    ),
  ),
  fc.oneof(
    fc.constantFrom(
      '',
      'a'.repeat(129),
      '漢'.repeat(129),
      '😀'.repeat(129),
      `${'😀'.repeat(64)}${'a'.repeat(65)}`,
      'a\u0000b',
      'a\tb',
      'a\nb',
      'a\u007f',
      'a\u0085',
      'a\u00ad',
      'a\u200b',
      'a\u202e',
      'a\u2028',
      'a\u2029',
      'a\ufeff',
      '\ud800',
      'x\udc00y',
      '\ud83d\ude00',
    ),
    fc.string({ unit: 'binary', maxLength: 140 }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 8 }),
  ),
);

const pad = (value: number, length: number) => String(value).padStart(length, '0');
const ymd = (year: number, month: number, day: number) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;

const validDate = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(
      fc.integer({ min: 1970, max: 2030 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 28 }),
    ),
  },
  fc.constantFrom<[number, number, number]>([2024, 2, 29], [2000, 2, 29], [1970, 1, 1], [9999, 12, 31], [2025, 1, 31]),
);
const anyDate = fc.tuple(
  fc.oneof(fc.integer({ min: 1965, max: 2030 }), fc.constantFrom(0, 1900, 1969, 2100, 2400, 9999)),
  fc.integer({ min: 0, max: 13 }),
  fc.integer({ min: 0, max: 32 }),
);

const jstDate = field(
  validDate.map(([year, month, day]) => ymd(year, month, day)),
  fc.oneof(
    anyDate.map(([year, month, day]) => ymd(year, month, day)),
    fc.constantFrom(
      '2025-02-29',
      '2100-02-29',
      '1969-12-31',
      '2025-04-31',
      '2025-1-01',
      '20250101',
      '2025-01-01T00:00:00+09:00',
      ' 2025-01-01',
      '2025-01-01\n',
      '+2025-01-01',
      '２０２５-01-01',
      '10000-01-01',
    ),
  ),
);

interface TimeParts {
  readonly date: [number, number, number];
  readonly separator: string;
  readonly clock: [number, number, number];
  readonly fraction: string;
  readonly zone: string;
}

const timeText = ({ date: [y, mo, d], separator, clock: [h, mi, s], fraction, zone }: TimeParts) =>
  `${ymd(y, mo, d)}${separator}${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${fraction}${zone}`;
const fractionOf = (digits: number) => (digits === 0 ? '' : `.${'1234567890123'.slice(0, digits)}`);

const eventTime = field(
  fc
    .record({
      date: validDate,
      separator: fc.constantFrom('T', 'T', 't'),
      clock: fc.tuple(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
      ),
      fraction: fc.integer({ min: 0, max: 9 }).map(fractionOf),
      zone: fc.constantFrom('+09:00', 'Z', 'z', '-05:30', '+00:00', '-00:00', '+23:59', '-23:59'),
    })
    .map(timeText),
  fc.oneof(
    fc
      .record({
        date: anyDate,
        separator: fc.constantFrom('T', 't', ' ', '_'),
        clock: fc.tuple(
          fc.integer({ min: 0, max: 25 }),
          fc.integer({ min: 0, max: 61 }),
          fc.integer({ min: 0, max: 61 }),
        ),
        fraction: fc.oneof(fc.integer({ min: 0, max: 12 }).map(fractionOf), fc.constant('.')),
        zone: fc.constantFrom('+09:00', 'Z', '', '+24:00', '+09:60', '+0900', '+9:00', 'UTC', '+09', '+09:00:00'),
      })
      .map(timeText),
    fc.constantFrom(
      '2025-02-29T00:00:00Z',
      '2025-10-12T09:30:00.123456789+09:00',
      '2025-10-12T09:30:00.1234567890+09:00',
      '2025-10-12T09:30:00.+09:00',
      '1969-12-31T23:59:59Z',
      '2016-12-31T23:59:60Z',
      '2025-10-12',
      '2025-10-12T09:30',
      '2025-10-12T09:30:00',
      '2025-10-12T09:30:00+09:00\n',
      'Sun, 12 Oct 2025 09:30:00 +0900',
    ),
  ),
);

const count = field(
  fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 500 }) }, fc.constantFrom(0, 2 ** 53 - 1)),
  fc.constantFrom<unknown>(-1, 1.5, 2 ** 53, 1e21, 1e300, -0.5, '80', '0', [1]),
);

const services = field(
  fc.shuffledSubarray(['entry-exit', 'id']),
  fc.oneof(
    fc.array(fc.constantFrom<unknown>('entry-exit', 'id', 'ID', 'both', '', 1, null), { maxLength: 4 }),
    fc.constantFrom<unknown>('id', [['id']], ['id', 'id']),
  ),
);

const reason = field(
  fc.constantFrom<unknown>('revoked', 'expired', 'deleted', ABSENT, null),
  fc.constantFrom<unknown>('Revoked', '', 'lost', ' revoked'),
);

/** An optional field: absent and null are right too. */
const optional = (inner: Field): Field => ({
  valid: fc.oneof(inner.valid, fc.constantFrom<unknown>(ABSENT, null)),
  any: inner.any,
});

const FIELDS: Readonly<Record<InputEventType, Readonly<Record<string, Field>>>> = {
  IdRegistered: { orgId: identifier, idId: identifier },
  IdRevoked: { orgId: identifier, idId: identifier, reason },
  CredentialVerified: {
    holderOrgId: identifier,
    holderIdId: identifier,
    verifierOrgId: identifier,
    verifierIdId: optional(identifier),
  },
  ContractOpened: {
    orgId: identifier,
    appliedOn: jstDate,
    openedOn: jstDate,
    services,
    channel: optional(identifier),
    declaredMembers: count,
    plannedUsers: count,
  },
  IdServiceAdded: {
    orgId: identifier,
    appliedOn: jstDate,
    openedOn: jstDate,
    channel: optional(identifier),
    declaredMembers: count,
    plannedUsers: count,
  },
  HeadcountChanged: { orgId: identifier, changedOn: jstDate, declaredMembers: count, plannedUsers: count },
  ContractClosed: { orgId: identifier, closedOn: jstDate },
};

const eventType = fc.constantFrom(...INPUT_EVENT_TYPES);

const validData = (type: InputEventType): fc.Arbitrary<Record<string, unknown>> =>
  fc.record(Object.fromEntries(Object.entries(FIELDS[type]).map(([name, f]) => [name, f.valid])));

/** Unknown fields: dropped by the intake, allowed by the schemas. */
const extra = fc.tuple(fc.constantFrom('note', 'email', '__proto__', 'constructor', 'subject', 'x'), fc.jsonValue());

const ENVELOPE: Readonly<Record<string, Field>> = {
  specversion: field(fc.constant('1.0'), fc.constantFrom<unknown>('0.3', '1', 1, '1.0 ')),
  id: identifier,
  source: identifier,
  type: field(eventType, fc.constantFrom<unknown>('IdFrobnicated', 'idregistered', 'ChargeIssued', 3)),
  time: eventTime,
  data: field(eventType.chain(validData), fc.constantFrom<unknown>([], 'data', 1)),
};

type Event = Record<string, unknown> & { data: unknown };

/** One change to an event: a field of the envelope or of the data, set to a value or left out. */
const change = (type: InputEventType): fc.Arbitrary<(event: Event) => void> =>
  fc.oneof(
    fc
      .constantFrom(...Object.keys(ENVELOPE))
      .chain((name) => ENVELOPE[name]!.any.map((value) => (event: Event) => void (event[name] = value))),
    {
      weight: 2,
      arbitrary: fc.constantFrom(...Object.keys(FIELDS[type])).chain((name) =>
        FIELDS[type][name]!.any.map((value) => (event: Event) => {
          if (typeof event.data === 'object' && event.data !== null)
            (event.data as Record<string, unknown>)[name] = value;
        }),
      ),
    },
    extra.map(([name, value]) => (event: Event) => {
      if (typeof event.data === 'object' && event.data !== null) (event.data as Record<string, unknown>)[name] = value;
    }),
  );

const event: fc.Arbitrary<Event> = eventType.chain((type) =>
  fc
    .tuple(
      fc.record({
        specversion: ENVELOPE.specversion!.valid,
        id: identifier.valid,
        source: identifier.valid,
        type: fc.constant<unknown>(type),
        time: eventTime.valid,
        data: validData(type),
      }),
      fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, fc.array(change(type), { minLength: 1, maxLength: 2 })),
    )
    .map(([valid, changes]) => {
      const changed: Event = { ...valid, data: { ...valid.data } };
      for (const apply of changes) apply(changed);
      return changed;
    }),
);

// ---------------------------------------------------------------------------------------
// The two verdicts.

const inputEventSchema = asyncApi.schema('InputEvent');

/** What a receiver holds after JSON: absent fields gone, as on the wire. */
const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null');

/** The data's media type in binary mode: JSON ones (any case, with parameters), others, or none. */
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/json',
  'application/vnd.smartme.id+json',
  'application/cloudevents+json',
  'text/plain',
  'application/xml',
  'application/jsonx',
  '',
] as const;

function binaryHeaders(event: Event, contentType: string | null): Record<string, string> {
  const headers: Record<string, string> = contentType === null ? {} : { 'content-type': contentType };
  for (const attribute of ['specversion', 'id', 'source', 'type', 'time'] as const) {
    const value = event[attribute];
    // Headers are text: a number is sent as its digits, an object cannot be sent at all.
    if (typeof value === 'string') headers[`ce_${attribute}`] = value;
    else if (typeof value === 'number') headers[`ce_${attribute}`] = String(value);
  }
  return headers;
}

/** A binary-mode message matches the document when headers and value match one type's message. */
function binaryMatches(headers: Record<string, string>, value: string): boolean {
  let data: unknown;
  try {
    data = JSON.parse(value);
  } catch {
    return false; // a JSON schema accepts JSON only
  }
  return INPUT_EVENT_TYPES.some((type) => {
    const message = asyncApi.message(`${type}Binary`);
    return message.headers(headers) && message.payload(data);
  });
}

interface Tally {
  accepted: number;
  rejected: number;
}

describe('the input schemas and the intake agree', () => {
  it('on structured-mode events', () => {
    const tally: Tally = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(event, (event) => {
        const text = JSON.stringify(event);
        const intake = decodeStructured(text, CONTEXT);
        const schema = inputEventSchema(overTheWire(event));
        tally[intake.ok ? 'accepted' : 'rejected']++;
        if (intake.ok !== schema)
          throw new Error(
            `intake ${intake.ok ? 'accepts' : `rejects (${intake.reason})`}, schemas ${schema ? 'accept' : `reject (${JSON.stringify(inputEventSchema.errors?.slice(0, 3))})`}: ${text}`,
          );
      }),
      { numRuns: 6_000 },
    );
    // Both verdicts were reached often enough for the agreement to mean something.
    expect(tally.accepted).toBeGreaterThan(400);
    expect(tally.rejected).toBeGreaterThan(400);
  });

  it('on binary-mode messages (attributes in ce_* headers, data as the value)', () => {
    const tally: Tally = { accepted: 0, rejected: 0 };
    const value = fc.oneof(
      { weight: 12, arbitrary: fc.constant(null) },
      fc.constantFrom('not json', '', '{"orgId": "a", "idId": "b"', '[]'),
    );
    fc.assert(
      fc.property(event, value, fc.option(fc.constantFrom(...CONTENT_TYPES), { freq: 3 }), (event, raw, type) => {
        const headers = binaryHeaders(event, type);
        const text = raw ?? JSON.stringify(event.data) ?? '';
        const intake = decodeBinary(headers, Buffer.from(text), CONTEXT);
        const schema = binaryMatches(headers, text);
        tally[intake.ok ? 'accepted' : 'rejected']++;
        if (intake.ok !== schema)
          throw new Error(
            `intake ${intake.ok ? 'accepts' : `rejects (${intake.reason})`}, schemas ${schema ? 'accept' : 'reject'}: ${JSON.stringify(headers)} ${text}`,
          );
      }),
      { numRuns: 3_000 },
    );
    expect(tally.accepted).toBeGreaterThan(300);
    expect(tally.rejected).toBeGreaterThan(300);
  });

  it('on the worked example, every event of which both accept', () => {
    const lines = ['events-1.ndjson', 'events-2.ndjson'].flatMap((file) =>
      readFileSync(`${__dirname}/../fixtures/worked-example/${file}`, 'utf8').trim().split('\n'),
    );
    for (const line of lines) {
      expect(decodeStructured(line, CONTEXT).ok).toBe(true);
      expect(inputEventSchema(JSON.parse(line))).toBe(true);
    }
  });
});
