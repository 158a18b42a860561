/**
 * Generated hostile input (issue 12): malformed lines of every kind the issue names, and
 * harmless variants of valid events, each with the verdict it must get. Reproducible from
 * a seed. A "valid" input must end accepted or duplicate; an "invalid" one rejected and a
 * dead letter with its exact bytes (and headers).
 */
import { MessageHeader } from '@smartme/ports';
import { SeededRandom } from '../workload/random';

export type Verdict = 'valid' | 'invalid';

export interface HostileInput {
  readonly kind: string;
  readonly bytes: Buffer;
  /** Kafka only: the message's headers; null for a structured message without any. */
  readonly headers: MessageHeader[] | null;
  /** Kafka only: the message key (the organisation of the event it came from). */
  readonly key: string;
  readonly verdict: Verdict;
}

export interface HostileOptions {
  readonly seed: number;
  /** How many malformed inputs (valid variants come on top, about one for ten). */
  readonly malformed: number;
  /** Kafka messages may carry headers (binary mode); NDJSON lines cannot. */
  readonly kafka: boolean;
  /** The largest input made (Kafka brokers refuse messages over about 1 MB by default). */
  readonly maxBytes: number;
}

type Json = Record<string, unknown>;

const ENVELOPE = ['specversion', 'id', 'source', 'type', 'time', 'data'] as const;
const REQUIRED_DATA: Readonly<Record<string, readonly string[]>> = {
  IdRegistered: ['orgId', 'idId'],
  IdRevoked: ['orgId', 'idId'],
  CredentialVerified: ['holderOrgId', 'holderIdId', 'verifierOrgId'],
  ContractOpened: ['orgId', 'appliedOn', 'openedOn', 'services', 'declaredMembers', 'plannedUsers'],
  IdServiceAdded: ['orgId', 'appliedOn', 'openedOn', 'declaredMembers', 'plannedUsers'],
  HeadcountChanged: ['orgId', 'changedOn', 'declaredMembers', 'plannedUsers'],
  ContractClosed: ['orgId', 'closedOn'],
};
/** Bytes that are never JSON whitespace nor a line feed: invalid anywhere in a JSON text. */
const CONTROL = [...Array.from({ length: 0x20 }, (_, i) => i).filter((b) => ![0x09, 0x0a, 0x0d].includes(b))];
const NOT_UTF8: readonly number[][] = [
  [0xff],
  [0xc0, 0x80],
  [0x80],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe3, 0x81],
];
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const orgOf = (event: Json): string => {
  const data = event.data as Json;
  return String(data.orgId ?? data.holderOrgId);
};

/** Deep nesting written as text: JSON.stringify itself would recurse. */
function deepText(random: SeededRandom): string {
  const depth = 1_000 + random.int(20_000);
  return random.chance(0.5)
    ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function withField(event: Json, field: string, value: unknown): Json {
  if ((ENVELOPE as readonly string[]).includes(field)) return { ...event, [field]: value };
  return { ...event, data: { ...(event.data as Json), [field]: value } };
}

/** A JSON value placed as text (for nesting too deep to build as an object). */
function withFieldText(event: Json, field: string, text: string): string {
  return JSON.stringify(withField(event, field, '__PLACEHOLDER__')).replace('"__PLACEHOLDER__"', text);
}

function requiredField(event: Json, random: SeededRandom): string {
  const fields = [...ENVELOPE, ...(REQUIRED_DATA[String(event.type)] ?? [])];
  return random.pick(fields);
}

/** A value the field never accepts (an empty list of services, or 42 members, would be valid). */
function wrongValue(field: string, random: SeededRandom): unknown {
  if (field === 'data') return random.pick(['a string', 42, [1, 2], null]);
  if (field === 'services') return random.pick(['id', 42, ['x'], { id: true }, null]);
  if (field === 'declaredMembers' || field === 'plannedUsers') return random.pick([-1, 1.5, '80', true, [], null]);
  return random.pick([42, -1.5, true, [], ['x'], { nested: 'object' }, null]);
}

function insert(bytes: Buffer, at: number, inserted: readonly number[] | Buffer): Buffer {
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(inserted), bytes.subarray(at)]);
}

function hugeString(random: SeededRandom, maxBytes: number): string {
  return 'x'.repeat(Math.max(200, maxBytes - 2_000 - random.int(2_000)));
}

/** The generators: what each does to a valid event, and the verdict it must then get. */
function makers(options: HostileOptions) {
  type Made = {
    kind: string;
    bytes: Buffer | string;
    verdict: Verdict;
    headers?: MessageHeader[] | null;
    key?: string;
  };
  const malformed: ((event: Json, line: Buffer, random: SeededRandom, earlier: Json[]) => Made)[] = [
    (_e, line, random) => ({
      kind: 'truncated',
      bytes: line.subarray(0, 1 + random.int(line.length - 1)),
      verdict: 'invalid',
    }),
    (event, _l, random) => {
      const field = requiredField(event, random);
      return {
        kind: `wrong type in ${field}`,
        bytes: JSON.stringify(withField(event, field, wrongValue(field, random))),
        verdict: 'invalid',
      };
    },
    (event, _l, random) => {
      const field = random.pick(['id', 'source', event.type === 'CredentialVerified' ? 'holderIdId' : 'orgId']);
      return {
        kind: `huge string in ${field}`,
        bytes: JSON.stringify(
          withField(event, field, hugeString(random, random.chance(0.1) ? options.maxBytes : 5_000)),
        ),
        verdict: 'invalid',
      };
    },
    (_e, line, random) => ({
      kind: 'control character',
      bytes: insert(line, random.int(line.length + 1), [random.pick(CONTROL)]),
      verdict: 'invalid',
    }),
    (_e, line) => ({ kind: 'NUL first', bytes: insert(line, 0, [0]), verdict: 'invalid' }),
    (event, _l, random) => {
      const field = requiredField(event, random);
      return {
        kind: `deep nesting in ${field}`,
        bytes: withFieldText(event, field, deepText(random)),
        verdict: 'invalid',
      };
    },
    (_e, line, random) => ({
      kind: 'invalid UTF-8',
      bytes: insert(line, random.int(line.length + 1), random.pick(NOT_UTF8)),
      verdict: 'invalid',
    }),
    (_e, line) => ({ kind: 'two byte order marks', bytes: Buffer.concat([BOM, BOM, line]), verdict: 'invalid' }),
    (_e, _l, random) => ({
      kind: 'random bytes',
      // No line feed (it would split an NDJSON line), and never all whitespace (a blank line is no input).
      bytes: Buffer.from([0x23, ...Array.from({ length: random.int(300) }, () => random.pick(NON_LF_BYTES))]),
      verdict: 'invalid',
    }),
    (_e, _l, random, earlier) => {
      // Same id as an earlier event, other content, keyed like it (so after it on its Kafka partition too).
      const original = random.pick(
        earlier.filter((e) => ['idId', 'holderIdId', 'declaredMembers'].some((k) => k in (e.data as Json))),
      );
      const data = original.data as Json;
      const changed =
        'idId' in data
          ? { idId: `${String(data.idId)}-other` }
          : 'holderIdId' in data
            ? { holderIdId: `${String(data.holderIdId)}-other` }
            : {
                declaredMembers: Number(data.declaredMembers ?? 0) + 1,
                plannedUsers: Number(data.plannedUsers ?? 0) + 1,
              };
      return {
        kind: 'same id, other content',
        bytes: JSON.stringify({ ...original, data: { ...data, ...changed } }),
        verdict: 'invalid',
        key: orgOf(original),
      };
    },
  ];
  const harmless: ((event: Json, line: Buffer, random: SeededRandom) => Made)[] = [
    (_e, line) => ({ kind: 'one byte order mark', bytes: Buffer.concat([BOM, line]), verdict: 'valid' }),
    (event, _l, random) => ({
      kind: 'deep unknown field',
      bytes: withFieldText(event, 'extension', deepText(random)),
      verdict: 'valid',
    }),
    (event, _l, random) => ({
      kind: 'huge unknown field',
      bytes: JSON.stringify({ ...event, padding: hugeString(random, options.maxBytes) }),
      verdict: 'valid',
    }),
  ];
  if (options.kafka) {
    malformed.push(
      (event, _l, random) => {
        const missing = 1 + random.int(4); // ce_id, ce_source, ce_type or ce_time
        const headers = binaryHeaders(event).filter((_, i) => i !== missing);
        return {
          kind: 'binary mode, an attribute missing',
          bytes: JSON.stringify(event.data),
          verdict: 'invalid',
          headers,
        };
      },
      (event) => ({
        kind: 'binary mode, not JSON data',
        bytes: JSON.stringify(event.data),
        verdict: 'invalid',
        headers: [...binaryHeaders(event), header('content-type', 'text/plain')],
      }),
      (event, _l, random) => ({
        kind: 'binary mode, an attribute not UTF-8',
        bytes: JSON.stringify(event.data),
        verdict: 'invalid',
        headers: binaryHeaders(event).map((h) =>
          h.name === 'ce_id' ? { name: h.name, value: Buffer.from(random.pick(NOT_UTF8)) } : h,
        ),
      }),
      (event) => ({
        kind: 'batch content type',
        bytes: `[${JSON.stringify(event)}]`,
        verdict: 'invalid',
        headers: [header('content-type', 'application/cloudevents-batch+json')],
      }),
      () => ({ kind: 'empty value', bytes: Buffer.alloc(0), verdict: 'invalid', headers: [] }),
    );
    harmless.push(
      (event) => ({
        kind: 'binary mode, extra headers',
        bytes: JSON.stringify(event.data),
        verdict: 'valid',
        headers: [
          ...binaryHeaders(event),
          header('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
          header('ce_subject', 'x'),
          header('x-producer', 'idp'),
        ],
      }),
      (event) => ({
        kind: 'structured with its content type',
        bytes: JSON.stringify(event),
        verdict: 'valid',
        headers: [header('content-type', 'application/cloudevents+json; charset=utf-8')],
      }),
    );
  }
  return { malformed, harmless };
}

const NON_LF_BYTES = Array.from({ length: 256 }, (_, i) => i).filter((b) => b !== 0x0a);

function header(name: string, value: string): MessageHeader {
  return { name, value: Buffer.from(value) };
}

function binaryHeaders(event: Json): MessageHeader[] {
  return [
    header('ce_specversion', '1.0'),
    header('ce_id', String(event.id)),
    header('ce_source', String(event.source)),
    header('ce_type', String(event.type)),
    header('ce_time', String(event.time)),
  ];
}

/**
 * Valid lines (as given, in order) with hostile inputs spread among them. A hostile input
 * derived from an event comes after that event, so that "same id, other content" always
 * meets the original first (the first one stands).
 */
export function hostileMix(validLines: readonly string[], options: HostileOptions): HostileInput[] {
  const random = new SeededRandom(options.seed);
  const { malformed, harmless } = makers(options);
  const events = validLines.map((line) => JSON.parse(line) as Json);
  const slots: HostileInput[][] = validLines.map(() => []);
  const make = (pick: (typeof malformed)[number]) => {
    const at = random.int(validLines.length);
    const made = pick(events[at]!, Buffer.from(validLines[at]!), random, events.slice(0, at + 1));
    slots[at]!.push({
      kind: made.kind,
      bytes: Buffer.isBuffer(made.bytes) ? made.bytes : Buffer.from(made.bytes),
      headers: made.headers ?? null,
      key: made.key ?? orgOf(events[at]!),
      verdict: made.verdict,
    });
  };
  for (let i = 0; i < options.malformed; i++) make(malformed[i % malformed.length]!);
  for (let i = 0; i < Math.ceil(options.malformed / 10); i++) make(harmless[i % harmless.length]!);
  return validLines.flatMap((line, i) => [
    { kind: 'valid', bytes: Buffer.from(line), headers: null, key: orgOf(events[i]!), verdict: 'valid' as const },
    ...slots[i]!,
  ]);
}
