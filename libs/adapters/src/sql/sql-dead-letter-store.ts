import { randomUUID } from 'node:crypto';
import { DeadLetter, DeadLetterStore, KafkaMessageParts, MessageHeader, NewDeadLetter } from '@smartme/ports';
import { sha256Hex } from './content-hash';
import { SqlClient } from './sql-client';

/**
 * Bytes travel as hex text (`decode(…, 'hex')`): a text[] parameter is serialised the same
 * way by `pg` and PGlite, whereas bytea arrays are not.
 */
const INSERT_LETTERS = `
  INSERT INTO dead_letters (id, source, reason, raw, raw_hash, event_id, kafka_key, kafka_headers)
  SELECT id, source, reason, decode(raw_hex, 'hex'), raw_hash, event_id, decode(key_hex, 'hex'), headers
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
    WITH ORDINALITY AS batch (id, source, reason, raw_hex, raw_hash, event_id, key_hex, headers, ordinal)
  ORDER BY ordinal
  ON CONFLICT (source, raw_hash) DO NOTHING`;

const SELECT_UNRESOLVED = `
  SELECT id, received_at, source, reason, raw, event_id, kafka_key, kafka_headers
  FROM dead_letters WHERE resolved_at IS NULL`;

interface LetterRow {
  readonly id: string;
  readonly received_at: Date | string;
  readonly source: string;
  readonly reason: string;
  readonly raw: Uint8Array;
  readonly event_id: string | null;
  readonly kafka_key: Uint8Array | null;
  readonly kafka_headers: string | null;
}

/** Dead letters on PostgreSQL or PGlite. */
export class SqlDeadLetterStore implements DeadLetterStore {
  constructor(private readonly client: SqlClient) {}

  async add(letters: readonly NewDeadLetter[]): Promise<void> {
    const unique = new Map<string, NewDeadLetter & { hash: string }>();
    for (const letter of letters) {
      const hash = sha256Hex(letter.raw);
      const key = JSON.stringify([letter.source, hash]);
      if (!unique.has(key)) unique.set(key, { ...letter, hash });
    }
    if (unique.size === 0) return;
    const batch = [...unique.values()];
    await this.client.query(INSERT_LETTERS, [
      batch.map(() => randomUUID()),
      batch.map((letter) => storableText(letter.source)),
      batch.map((letter) => storableText(letter.reason)),
      batch.map((letter) => Buffer.from(letter.raw).toString('hex')),
      batch.map((letter) => letter.hash),
      batch.map((letter) => (letter.eventId === null ? null : storableText(letter.eventId))),
      batch.map((letter) => (letter.kafka?.key ? Buffer.from(letter.kafka.key).toString('hex') : null)),
      batch.map((letter) => (letter.kafka ? headersText(letter.kafka.headers) : null)),
    ]);
  }

  async list(options: { ids?: readonly string[] } = {}): Promise<DeadLetter[]> {
    const rows =
      options.ids === undefined
        ? await this.client.query<LetterRow>(`${SELECT_UNRESOLVED} ORDER BY seq`)
        : options.ids.length === 0
          ? []
          : await this.client.query<LetterRow>(`${SELECT_UNRESOLVED} AND id = ANY($1::text[]) ORDER BY seq`, [
              options.ids,
            ]);
    return rows.map(deadLetterOf);
  }

  async resolve(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.client.query(
      'UPDATE dead_letters SET resolved_at = now() WHERE id = ANY($1::text[]) AND resolved_at IS NULL',
      [ids],
    );
  }

  async updateReason(id: string, reason: string): Promise<void> {
    const updated = await this.client.query('UPDATE dead_letters SET reason = $2 WHERE id = $1 RETURNING id', [
      id,
      storableText(reason),
    ]);
    if (updated.length === 0) throw new Error(`no dead letter with id ${id}`);
  }
}

/**
 * PostgreSQL text cannot hold NUL. Intake never hands one over (reasons are escaped where
 * they are made); this keeps the store from failing on one should a caller ever do.
 */
function storableText(text: string): string {
  return text.includes('\u0000') ? text.split('\u0000').join('\\u0000') : text;
}

function headersText(headers: readonly MessageHeader[]): string {
  return JSON.stringify(headers.map(({ name, value }) => [name, Buffer.from(value).toString('base64')]));
}

function headersOf(text: string): MessageHeader[] {
  return (JSON.parse(text) as [string, string][]).map(([name, value]) => ({
    name,
    value: Buffer.from(value, 'base64'),
  }));
}

function kafkaPartsOf(row: LetterRow): KafkaMessageParts | null {
  if (row.kafka_headers === null) return null;
  return { key: row.kafka_key === null ? null : bufferOf(row.kafka_key), headers: headersOf(row.kafka_headers) };
}

/** pg gives a Buffer, PGlite a Uint8Array: hand out a Buffer either way. */
function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function deadLetterOf(row: LetterRow): DeadLetter {
  return {
    id: row.id,
    receivedAt: new Date(row.received_at).toISOString(),
    source: row.source,
    reason: row.reason,
    raw: bufferOf(row.raw),
    eventId: row.event_id,
    kafka: kafkaPartsOf(row),
  };
}
