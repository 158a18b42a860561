import { STORED_EVENT_TYPES, StoredEvent, organisationOf } from '@smartme/domain';
import {
  AppendOutcome,
  EventRecord,
  EventStore,
  OrganisationPartition,
  ReadAllOptions,
  ReadOrganisationOptions,
  RecordedEvent,
  assertChargeRecords,
  assertPartition,
  positiveInteger,
} from '@smartme/ports';
import { canonicalContentOf } from '../event-store/content-hash';
import { RecentAppends } from './recent-appends';
import { SqlClient, SqlExecutor } from './sql-client';

export const DEFAULT_READ_BATCH_SIZE = 5000;

/**
 * The transaction-scoped advisory lock appends take before inserting, so that appenders
 * take turns: positions are then handed out in commit order. Without it, two concurrent
 * batches interleave their positions (one sequence, row by row), and once the transaction
 * with the lower xid commits, a reader would read its rows and move past the other's
 * lower positions for good; the xmin rule alone cannot see that. (The xmin rule still
 * covers any writer that does not take the lock.) On PGlite, one connection, it is free.
 */
export const APPEND_LOCK_KEY = 7_302_114_902_002n;

/**
 * The lock, then (evaluated after it, left to right) the appending transaction and the last
 * position anyone has taken: what this append claims starts after it (RecentAppends).
 */
const LOCK_APPENDS = `
  SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY}), pg_current_xact_id()::text AS tx,
    pg_sequence_last_value(pg_get_serial_sequence('billing_events', 'position')::regclass)::text AS taken`;

/** A batch sent as one JSON document (batchOf), as rows in the order sent. */
function batchRows(alias: string): string {
  return `ROWS FROM (jsonb_to_recordset($1::jsonb) AS (id text, type text, org_id text, source text, time text, data jsonb))
    WITH ORDINALITY AS ${alias} (id, type, org_id, source, time, data, ordinal)`;
}

/**
 * The batch as one JSON document: one statement (one round trip) whatever its size, and
 * JSON is serialised natively on both sides, unlike text arrays, which the driver escapes
 * element by element.
 */
const INSERT_EVENTS = `
  INSERT INTO billing_events (event_id, type, org_id, source, time, data)
  SELECT batch.id, batch.type, batch.org_id, batch.source, batch.time, batch.data
  FROM ${batchRows('batch')}
  ORDER BY ordinal
  ON CONFLICT (event_id) DO NOTHING
  RETURNING event_id, position`;

/** The events and their outbox entries in one statement, hence one transaction. */
const INSERT_CHARGES = `
  WITH appended AS (${INSERT_EVENTS}),
  queued AS (INSERT INTO outbox (charge_id, position) SELECT event_id, position FROM appended)
  SELECT event_id, position FROM appended`;

/**
 * Each occurrence of an id sent again, judged against the stored event: the same source,
 * type and time, and data equal as JSON values (jsonb equality: key order and the spelling
 * of a number do not matter, as in the canonical JSON that the other stores compare).
 */
const JUDGE_EXISTING = `
  SELECT sent.ordinal, stored.position,
    (stored.source, stored.type, stored.time, stored.data) IS NOT DISTINCT FROM (sent.source, sent.type, sent.time, sent.data) AS same
  FROM ${batchRows('sent')}
  JOIN billing_events AS stored ON stored.event_id = sent.id`;

/**
 * Only rows written by transactions older than every transaction still running: a
 * transaction that took a lower position but has not committed yet keeps everything
 * after it out of sight until it ends (the Emmett rule), so a reader that moves past a
 * position never comes back to find an event it missed. The xmin is a subquery, taken once
 * a statement: as a plain expression PostgreSQL built the snapshot again for every row,
 * a fifth of the time a replay's scans of the table took.
 */
const READABLE = 'tx < (SELECT pg_snapshot_xmin(pg_current_snapshot()))';

/**
 * Events read as one JSON text per page, `[[position, event_id, type, source, time, data], …]`,
 * rather than as rows: the driver then decodes one string with one `JSON.parse` instead of
 * six fields a row, which was a third of a replay's CPU (and most of its garbage). The
 * position travels as text, exact whatever its size; `data` is jsonb's own text, which is
 * what the driver would have parsed anyway.
 */
function asPage(select: string, order: string): string {
  return `SELECT coalesce(json_agg(json_build_array(e.position::text, e.event_id, e.type, e.source, e.time, e.data) ${order}), '[]')::text AS page
    FROM (${select}) AS e`;
}

const READ_BATCH = asPage(
  `SELECT position, event_id, type, source, time, data FROM billing_events
   WHERE position > $1::bigint AND ${READABLE}
   ORDER BY position
   LIMIT $2`,
  'ORDER BY e.position',
);

/**
 * An organisation's share of the table, one window of heap blocks at a time (a TID range
 * scan: the table is append-only, rows never move): PostgreSQL's own text hash of the
 * organisation id picks the rows, so the database filters and nothing is sorted.
 */
const READ_PARTITION_WINDOW = asPage(
  `SELECT position, event_id, type, source, time, data FROM billing_events
   WHERE ctid >= ('(' || $1::bigint || ',0)')::tid AND ctid < ('(' || $2::bigint || ',0)')::tid
     AND position <= $3::bigint AND ${READABLE}
     AND mod(hashtext(org_id)::bigint + 2147483648, $4::bigint) = $5::bigint`,
  '',
);

/**
 * One type of one organisation's events, a page at a time: a range of the
 * (org_id, type, position) index, so reading an organisation costs its own events of the
 * types asked for, whatever the size of the store and whatever else the organisation has.
 */
const READ_ORGANISATION = asPage(
  `SELECT position, event_id, type, source, time, data FROM billing_events
   WHERE org_id = $1 AND type = $2 AND position > $3::bigint AND position < $4::bigint
   ORDER BY position
   LIMIT $5`,
  'ORDER BY e.position',
);

/** Windows of a partition read at once (readPartition): one being folded, the others being read. */
const PARTITION_WINDOWS_AHEAD = 3;

const TABLE_BLOCKS = `SELECT (pg_relation_size('billing_events') / current_setting('block_size')::bigint)::bigint AS blocks`;

/**
 * Whether remembered events may be handed over: the snapshot's xmin (the READABLE rule) and
 * how many events the range holds, which is more than remembered if a writer that does not
 * take the append lock put one among them.
 */
const CHECK_REMEMBERED = `
  SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
    (SELECT count(*) FROM billing_events WHERE position > $1::bigint AND position <= $2::bigint)::int AS stored`;

const HEAD_POSITION = `SELECT coalesce(max(position), 0)::bigint AS head FROM billing_events WHERE ${READABLE}`;

/** A scan of the table (seconds at 10M events), small beside the replay that asks. */
const RETAINED_EVENT_COUNT = `SELECT count(*)::bigint AS retained FROM billing_events WHERE position <= $1::bigint AND type <> 'CredentialVerified'`;

interface PreparedRecord {
  readonly id: string;
  readonly type: string;
  readonly orgId: string;
  readonly source: string;
  readonly time: string;
  readonly data: unknown;
  readonly record: EventRecord;
}

/** One event of a page (asPage): position, event_id, type, source, time, data. */
type PageEntry = [string, string, string, string, string, unknown];

/** The event store on PostgreSQL or PGlite (the same SQL on both). */
export class SqlEventStore implements EventStore {
  private readonly recent = new RecentAppends();

  constructor(private readonly client: SqlClient) {}

  append(records: readonly EventRecord[]): Promise<AppendOutcome[]> {
    return this.appendBatch(records, INSERT_EVENTS, { remember: true });
  }

  async appendCharges(records: readonly EventRecord[]): Promise<AppendOutcome[]> {
    assertChargeRecords(records);
    // Charges are few and are read back as every reader reads them: not remembered.
    return this.appendBatch(records, INSERT_CHARGES, { remember: false });
  }

  /**
   * What this process appended last is handed over as it was appended (RecentAppends),
   * under the same visibility rule as a read; the rest is read from the database.
   */
  async *readAll(options: ReadAllOptions): AsyncGenerator<readonly RecordedEvent[], void, undefined> {
    const batchSize = positiveInteger(options.batchSize ?? DEFAULT_READ_BATCH_SIZE, 'batchSize');
    let after = options.after;
    for (;;) {
      const recent = await this.recentAfter(after, batchSize);
      if (!recent) break;
      yield recent;
      after = recent[recent.length - 1]!.position;
    }
    yield* pagesByPosition((from) => this.readPage(READ_BATCH, [from.toString(), batchSize]), after, batchSize);
  }

  /**
   * This process's appends right after `position`, when a read would return exactly them:
   * every transaction up to theirs has ended (READABLE) and nothing else lies among them.
   */
  private async recentAfter(position: bigint, limit: number): Promise<RecordedEvent[] | null> {
    const recent = this.recent.following(position, limit);
    if (!recent) return null;
    const last = recent.events[recent.events.length - 1]!.position;
    const [row] = await this.client.query<{ xmin: string; stored: number }>(CHECK_REMEMBERED, [
      position.toString(),
      last.toString(),
    ]);
    const usable = row !== undefined && recent.youngestTx < BigInt(row.xmin) && row.stored === recent.events.length;
    return usable ? recent.events : null;
  }

  /** Windows of heap blocks sized to hold about `batchSize` of the partition's rows each. */
  async *readPartition(
    partition: OrganisationPartition,
    upTo: bigint,
    batchSize = DEFAULT_READ_BATCH_SIZE,
  ): AsyncGenerator<readonly RecordedEvent[], void, undefined> {
    assertPartition(partition);
    positiveInteger(batchSize, 'batchSize');
    // Rows at or below upTo were committed before it was read, so they lie in today's blocks.
    const [row] = await this.client.query<{ blocks: bigint | string }>(TABLE_BLOCKS);
    const blocks = BigInt(row?.blocks ?? 0);
    if (blocks === 0n) return;
    const rowsPerBlock = Math.max(1, Number(upTo) / Number(blocks));
    const window = BigInt(Math.max(1, Math.ceil((batchSize * partition.count) / rowsPerBlock)));
    const page = (from: bigint) =>
      readAhead(
        this.readPage(READ_PARTITION_WINDOW, [
          from.toString(),
          (from + window).toString(),
          upTo.toString(),
          partition.count,
          partition.index,
        ]),
      );
    // Windows are independent: the database reads the next ones, on other connections,
    // while this process folds the one in hand.
    const pending: Promise<RecordedEvent[]>[] = [];
    let next = 0n;
    const fill = () => {
      for (; pending.length < PARTITION_WINDOWS_AHEAD && next < blocks; next += window) pending.push(page(next));
    };
    fill();
    while (pending.length > 0) {
      const events = await pending.shift()!;
      fill();
      for (let i = 0; i < events.length; i += batchSize) yield events.slice(i, i + batchSize);
    }
  }

  /** Type by type (the index's order), each type oldest first. */
  async *readOrganisation(
    orgId: string,
    options: ReadOrganisationOptions,
  ): AsyncGenerator<readonly RecordedEvent[], void, undefined> {
    const batchSize = positiveInteger(options.batchSize ?? DEFAULT_READ_BATCH_SIZE, 'batchSize');
    const before = options.before.toString();
    for (const type of options.types ?? STORED_EVENT_TYPES) {
      yield* pagesByPosition(
        (after) => this.readPage(READ_ORGANISATION, [orgId, type, after.toString(), before, batchSize]),
        0n,
        batchSize,
      );
    }
  }

  private async readPage(select: string, params: readonly unknown[]): Promise<RecordedEvent[]> {
    const [row] = await this.client.query<{ page: string }>(select, params);
    return (JSON.parse(row?.page ?? '[]') as PageEntry[]).map(recordedEventOf);
  }

  async headPosition(): Promise<bigint> {
    const [row] = await this.client.query<{ head: bigint | string }>(HEAD_POSITION);
    return BigInt(row?.head ?? 0);
  }

  async retainedEventCount(upTo: bigint): Promise<number> {
    const [row] = await this.client.query<{ retained: bigint | string }>(RETAINED_EVENT_COUNT, [upTo.toString()]);
    return Number(row?.retained ?? 0);
  }

  private async appendBatch(
    records: readonly EventRecord[],
    insert: string,
    { remember }: { remember: boolean },
  ): Promise<AppendOutcome[]> {
    if (records.length === 0) return [];
    const prepared = records.map(prepare);
    // The first occurrence of an id in the batch is the one sent; later ones are judged
    // against whatever stands for that id (the stored event, or that first occurrence).
    const firstOf = new Map<string, PreparedRecord>();
    for (const record of prepared) if (!firstOf.has(record.id)) firstOf.set(record.id, record);
    const toInsert = [...firstOf.values()];

    const { appended, judged, claim } = await this.client.transaction(async (tx) => {
      const [lock] = await tx.query<{ tx: string; taken: string | null }>(LOCK_APPENDS);
      const inserted = await tx.query<{ event_id: string; position: bigint | string }>(insert, batchOf(toInsert));
      const appendedAt = new Map(inserted.map((row) => [row.event_id, BigInt(row.position)]));
      // Every occurrence of an id that was already stored, each judged against what is stored.
      const sentAgain = prepared.filter((record) => !appendedAt.has(record.id));
      return {
        appended: appendedAt,
        judged: await judgeAgainstStored(tx, sentAgain),
        claim: { after: BigInt(lock?.taken ?? 0), tx: BigInt(lock!.tx) },
      };
    });
    if (remember) this.recent.add({ ...claim, events: appendedEvents(toInsert, appended) });

    return prepared.map((record): AppendOutcome => {
      const appendedAt = appended.get(record.id);
      if (appendedAt !== undefined) {
        const first = firstOf.get(record.id)!;
        if (first === record) return { eventId: record.id, status: 'appended', position: appendedAt };
        return {
          eventId: record.id,
          status: sameContent(record, first) ? 'duplicate' : 'conflict',
          position: appendedAt,
        };
      }
      const stored = judged.get(record);
      if (!stored) throw new Error(`event ${record.id} was neither appended nor found in the store`);
      return { eventId: record.id, status: stored.same ? 'duplicate' : 'conflict', position: stored.position };
    });
  }
}

/**
 * Keyset pages by position, from after `after`. The next page is requested before the
 * current one is handed over, so the database reads while the caller works on what it has.
 */
async function* pagesByPosition(
  read: (after: bigint) => Promise<RecordedEvent[]>,
  after: bigint,
  batchSize: number,
): AsyncGenerator<readonly RecordedEvent[], void, undefined> {
  let pending = readAhead(read(after));
  for (;;) {
    const batch = await pending;
    if (batch.length === 0) return;
    const full = batch.length === batchSize;
    if (full) pending = readAhead(read(batch[batch.length - 1]!.position));
    yield batch;
    if (!full) return;
  }
}

/** A page read ahead that a caller who stops early never awaits: its failure is not theirs. */
function readAhead<T>(rows: Promise<T>): Promise<T> {
  rows.catch(() => undefined);
  return rows;
}

async function judgeAgainstStored(
  tx: SqlExecutor,
  sentAgain: readonly PreparedRecord[],
): Promise<Map<PreparedRecord, { position: bigint; same: boolean }>> {
  if (sentAgain.length === 0) return new Map();
  const rows = await tx.query<{ ordinal: bigint | string; position: bigint | string; same: boolean }>(
    JUDGE_EXISTING,
    batchOf(sentAgain),
  );
  return new Map(
    rows.map((row) => [sentAgain[Number(row.ordinal) - 1]!, { position: BigInt(row.position), same: row.same }]),
  );
}

/** Two occurrences of an id in one batch (rare): their canonical content decides, as in the database. */
function sameContent(a: PreparedRecord, b: PreparedRecord): boolean {
  return canonicalContentOf(a.record) === canonicalContentOf(b.record);
}

/** The events this append stored (the first occurrence of each id sent), in position order, as readers get them. */
function appendedEvents(sent: readonly PreparedRecord[], appended: ReadonlyMap<string, bigint>): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  for (const { id, source, record } of sent) {
    const position = appended.get(id);
    if (position === undefined) continue;
    const { type, time, data } = record.event;
    events.push({ event: { id, type, time, data } as StoredEvent, source, position });
  }
  return events.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
}

function prepare(record: EventRecord): PreparedRecord {
  const { event, source } = record;
  return {
    id: event.id,
    type: event.type,
    orgId: organisationOf(event),
    source,
    time: event.time,
    data: event.data,
    record,
  };
}

function batchOf(records: readonly PreparedRecord[]): [string] {
  return [
    JSON.stringify(
      records.map(({ id, type, orgId, source, time, data }) => ({ id, type, org_id: orgId, source, time, data })),
    ),
  ];
}

function recordedEventOf([position, id, type, source, time, data]: PageEntry): RecordedEvent {
  return { event: { id, type, time, data } as StoredEvent, source, position: BigInt(position) };
}
