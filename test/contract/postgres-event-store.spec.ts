import { Client } from 'pg';
import { EVENT_STORE_MIGRATIONS } from '../../libs/adapters/src/sql/event-store.schema';
import { contentHashOf } from '../../libs/adapters/src/event-store/content-hash';
import { migrate } from '../../libs/adapters/src/sql/migrations';
import { PostgresClient } from '../../libs/adapters/src/sql/postgres-client';
import { SqlEventStore } from '../../libs/adapters/src/sql/sql-event-store';
import { postgresUrlForTests } from '../infra/postgres';
import {
  TestDatabase,
  createPostgresDatabase,
  eventStoreContract,
  idRegistered,
  postgresTestDatabase,
  readEverything,
  storeOn,
  uniquePrefix,
} from './event-store.contract';
import { EventRecord } from '@smartme/ports';

/** A real PostgreSQL (DATABASE_URL, or a throwaway cluster); every suite gets a database of its own. */
let server: { url: string; release(): Promise<void> };

beforeAll(async () => {
  server = await postgresUrlForTests();
}, 180_000);

afterAll(async () => {
  await server?.release();
}, 60_000);

eventStoreContract('PostgreSQL', async () => storeOn(await postgresTestDatabase(server.url)), {
  transactionalOutbox: true,
});

/** What an appender does, by hand, so that its transaction can be held open on a connection of its own. */
async function insertInOpenTransaction(connection: Client, record: EventRecord): Promise<bigint> {
  await connection.query('BEGIN');
  const { rows } = await connection.query<{ position: bigint | string }>(
    `INSERT INTO billing_events (event_id, type, org_id, source, time, data, content_hash)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) RETURNING position`,
    [
      record.event.id,
      record.event.type,
      'acme',
      record.source,
      record.event.time,
      JSON.stringify(record.event.data),
      contentHashOf(record),
    ],
  );
  return BigInt(rows[0]!.position);
}

describe('event store on PostgreSQL: transactions that commit out of position order', () => {
  let database: TestDatabase & { url: string };
  let store: SqlEventStore;
  let slowWriter: Client;

  beforeAll(async () => {
    database = await postgresTestDatabase(server.url);
    store = new SqlEventStore(database.client);
    slowWriter = new Client({ connectionString: database.url });
    await slowWriter.connect();
  }, 60_000);

  afterAll(async () => {
    await slowWriter?.end();
    await database?.destroy();
  }, 60_000);

  it('a reader never passes an event whose transaction took a lower position but commits later', async () => {
    const p = uniquePrefix();
    const head = await store.headPosition();
    const late = idRegistered(`${p}-late`);
    const early = idRegistered(`${p}-early`);

    const latePosition = await insertInOpenTransaction(slowWriter, late);
    const [earlyOutcome] = await store.append([early]);
    expect(earlyOutcome!.status).toBe('appended');
    expect(earlyOutcome!.position > latePosition).toBe(true);

    // Committed, but behind a transaction still open at a lower position: not readable yet.
    expect((await readEverything(store, head)).events).toEqual([]);
    expect(await store.headPosition()).toBe(head);
    // It is stored all the same: idempotency sees it.
    expect((await store.append([early]))[0]!.status).toBe('duplicate');

    await slowWriter.query('COMMIT');

    const { events } = await readEverything(store, head);
    expect(events).toEqual([
      { ...late, position: latePosition },
      { ...early, position: earlyOutcome!.position },
    ]);
    expect(await store.headPosition()).toBe(earlyOutcome!.position);
  });

  it('a transaction that rolls back leaves a gap that readers then pass', async () => {
    const p = uniquePrefix();
    const head = await store.headPosition();
    const abandonedPosition = await insertInOpenTransaction(slowWriter, idRegistered(`${p}-abandoned`));
    const [kept] = await store.append([idRegistered(`${p}-kept`)]);
    expect(kept!.position > abandonedPosition).toBe(true);
    expect((await readEverything(store, head)).events).toEqual([]);

    await slowWriter.query('ROLLBACK');

    const { events } = await readEverything(store, head);
    expect(events.map((e) => [e.event.id, e.position])).toEqual([[`${p}-kept`, kept!.position]]);
    expect(await store.headPosition()).toBe(kept!.position);
    // The abandoned id was never stored: it can be appended now.
    expect((await store.append([idRegistered(`${p}-abandoned`)]))[0]!.status).toBe('appended');
  });
});

describe('event store on PostgreSQL: what the appending process hands its own readers', () => {
  let database: TestDatabase & { url: string };
  let store: SqlEventStore;

  beforeAll(async () => {
    database = await postgresTestDatabase(server.url);
    store = new SqlEventStore(database.client);
  }, 60_000);

  afterAll(async () => {
    await database?.destroy();
  }, 60_000);

  it('reads an event another writer put among its remembered appends, as a reader elsewhere does', async () => {
    const p = uniquePrefix();
    const head = await store.headPosition();
    await store.append([idRegistered(`${p}-stored`)]);
    // The id sent again takes a position from the sequence and leaves it empty: a gap between a and b.
    const [a, , b] = await store.append([idRegistered(`${p}-a`), idRegistered(`${p}-stored`), idRegistered(`${p}-b`)]);
    expect(b!.position - a!.position).toBe(2n);
    const intruder = idRegistered(`${p}-intruder`);
    // A writer that does not take the append lock, filling that gap.
    await database.client.query(
      `INSERT INTO billing_events (position, event_id, type, org_id, source, time, data)
       OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, 'acme', $4, $5, $6::jsonb)`,
      [
        (a!.position + 1n).toString(),
        intruder.event.id,
        intruder.event.type,
        intruder.source,
        intruder.event.time,
        JSON.stringify(intruder.event.data),
      ],
    );

    const here = await readEverything(store, head);
    const elsewhere = await readEverything(new SqlEventStore(database.client), head);
    expect(here.events.map((e) => e.event.id)).toEqual([`${p}-stored`, `${p}-a`, `${p}-intruder`, `${p}-b`]);
    expect(here).toEqual(elsewhere);
  });
});

describe('event store on PostgreSQL: concurrent appenders', () => {
  let database: TestDatabase & { url: string };
  let store: SqlEventStore;
  let holders: Client[];

  beforeAll(async () => {
    database = await postgresTestDatabase(server.url);
    store = new SqlEventStore(database.client);
    holders = [new Client({ connectionString: database.url }), new Client({ connectionString: database.url })];
    await Promise.all(holders.map((holder) => holder.connect()));
  }, 60_000);

  afterAll(async () => {
    await Promise.all((holders ?? []).map((holder) => holder.end()));
    await database?.destroy();
  }, 60_000);

  /** Waits until `count` of the store's connections are blocked on a lock. */
  async function blockedAppends(count: number): Promise<void> {
    for (let attempt = 0; attempt < 500; attempt++) {
      // Not on a holder: inside its open transaction, pg_stat_activity would be a stale snapshot.
      const [row] = await database.client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'contract-tests' AND wait_event_type = 'Lock'",
      );
      if ((row?.n ?? 0) >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`expected ${count} blocked appends`);
  }

  /**
   * Two appends whose rows would interleave: the first takes a position, then waits (on an
   * uncommitted row with one of its ids); the second arrives meanwhile. Were positions handed
   * out to both at once, the first (lower xid) would commit with positions on both sides of
   * the second's, readers would read it and move past the second's lower position for good.
   */
  it('an append that overlaps another takes its positions after it, so a following reader misses nothing', async () => {
    const p = uniquePrefix();
    const head = await store.headPosition();
    const [holder1, holder2] = holders as [Client, Client];

    await insertInOpenTransaction(holder1, idRegistered(`${p}-x`));
    const first = store.append([idRegistered(`${p}-r1`), idRegistered(`${p}-x`), idRegistered(`${p}-r2`)]);
    await blockedAppends(1);
    await insertInOpenTransaction(holder2, idRegistered(`${p}-y`));
    const second = store.append([idRegistered(`${p}-s1`), idRegistered(`${p}-y`)]);
    await blockedAppends(2);

    await holder1.query('ROLLBACK');
    const firstOutcomes = await first;
    const seen = (await readEverything(store, head)).events;
    const checkpoint = seen.length > 0 ? seen[seen.length - 1]!.position : head;

    await holder2.query('ROLLBACK');
    const secondOutcomes = await second;
    seen.push(...(await readEverything(store, checkpoint)).events);

    expect([...firstOutcomes, ...secondOutcomes].map((o) => o.status)).toEqual([
      'appended',
      'appended',
      'appended',
      'appended',
      'appended',
    ]);
    expect(seen.map((e) => e.event.id)).toEqual([`${p}-r1`, `${p}-x`, `${p}-r2`, `${p}-s1`, `${p}-y`]);
    expect(seen.map((e) => e.position)).toEqual([...firstOutcomes, ...secondOutcomes].map((o) => o.position));
  }, 30_000);
});

describe('migrations on PostgreSQL', () => {
  it('processes starting at once on an empty database apply each migration exactly once', async () => {
    const { url, drop } = await createPostgresDatabase(server.url);
    const clients = Array.from({ length: 4 }, () => new PostgresClient(url, { max: 1 }));
    try {
      await Promise.all(clients.map((client) => migrate(client, EVENT_STORE_MIGRATIONS)));
      await migrate(clients[0]!, EVENT_STORE_MIGRATIONS);
      const applied = await clients[0]!.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
      expect(applied.map((row) => row.id)).toEqual(EVENT_STORE_MIGRATIONS.map((m) => m.id));
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await drop();
    }
  }, 60_000);

  it('a failing migration leaves nothing behind and is retried next time', async () => {
    const { url, drop } = await createPostgresDatabase(server.url);
    const client = new PostgresClient(url, { max: 1 });
    try {
      const broken = {
        id: '900-broken',
        sql: "CREATE TABLE half_done (a int); INSERT INTO half_done VALUES ('not a number')",
      };
      await expect(migrate(client, [...EVENT_STORE_MIGRATIONS, broken])).rejects.toThrow(/900-broken/);
      expect(await client.query("SELECT to_regclass('half_done') AS t")).toEqual([{ t: null }]);
      expect((await client.query('SELECT id FROM schema_migrations')).length).toBe(EVENT_STORE_MIGRATIONS.length);

      await migrate(client, [
        ...EVENT_STORE_MIGRATIONS,
        { id: '900-broken', sql: 'CREATE TABLE half_done (a int); INSERT INTO half_done VALUES (1)' },
      ]);
      expect(await client.query('SELECT a FROM half_done')).toEqual([{ a: 1 }]);
    } finally {
      await client.close();
      await drop();
    }
  }, 60_000);
});
