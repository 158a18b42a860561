/**
 * Ingestion's poison policy (interfaces.md §1, "Nothing stops the pipeline") on real SQL
 * stores: an input the store refuses while it answers costs that input (dead-lettered,
 * reason `internal: …`), never its batch; a store that does not answer pauses intake
 * and dead-letters nothing. The refusals are real: triggers raising in PGlite and
 * PostgreSQL, and a PostgreSQL server stopped and started again.
 */
import { Ingestion, InputOutcome, RawInput, StoreUnavailableError } from '@smartme/application';
import { KafkaMessageParts } from '@smartme/ports';
import { EVENT_STORE_MIGRATIONS } from '../../libs/adapters/src/sql/event-store.schema';
import { migrate } from '../../libs/adapters/src/sql/migrations';
import { PostgresClient } from '../../libs/adapters/src/sql/postgres-client';
import { SqlClient } from '../../libs/adapters/src/sql/sql-client';
import { SqlDeadLetterStore } from '../../libs/adapters/src/sql/sql-dead-letter-store';
import { SqlEventStore } from '../../libs/adapters/src/sql/sql-event-store';
import { sqlEventStoreBackend } from '../../libs/adapters/src/sql/sql-event-store-backend';
import { ThrowawayPostgres, postgresUrlForTests, startThrowawayPostgres } from '../infra/postgres';
import { TestDatabase, embeddedTestDatabase, postgresTestDatabase, uniquePrefix } from './event-store.contract';

const NOW_MS = Date.parse('2025-11-01T00:00:00+09:00');

function ingestionOn(client: SqlClient): Ingestion {
  return new Ingestion(
    new SqlEventStore(client),
    new SqlDeadLetterStore(client),
    { nowMs: () => NOW_MS },
    { maxClockSkewMs: 300_000 },
    sqlEventStoreBackend(client).ready,
  );
}

function line(id: string, idId = `m-${id}`): string {
  return JSON.stringify({
    specversion: '1.0',
    id,
    source: 'identity-platform',
    type: 'IdRegistered',
    time: '2025-10-12T09:30:00+09:00',
    data: { orgId: 'acme', idId },
  });
}

const input = (raw: string, source: string, kafka?: KafkaMessageParts): RawInput => ({
  raw: Buffer.from(raw),
  source,
  ...(kafka ? { kafka } : {}),
});

/** Events the store refuses whatever the batch around them: `poison-…` ids. */
const REFUSE_POISON = [
  `CREATE OR REPLACE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF NEW.event_id LIKE 'poison-%' THEN RAISE EXCEPTION 'poisoned event %', NEW.event_id; END IF;
     RETURN NEW;
   END $$`,
  'CREATE TRIGGER refuse_poison BEFORE INSERT ON billing_events FOR EACH ROW EXECUTE FUNCTION refuse_poison()',
];

/** Dead letters the store refuses: any from a source containing `no-letter`, or with Kafka headers from `no-headers`. */
const REFUSE_LETTERS = [
  `CREATE OR REPLACE FUNCTION refuse_letter() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF NEW.source LIKE '%no-letter%' THEN RAISE EXCEPTION 'letter refused'; END IF;
     IF NEW.source LIKE '%no-headers%' AND NEW.kafka_headers IS NOT NULL THEN RAISE EXCEPTION 'headers refused'; END IF;
     RETURN NEW;
   END $$`,
  'CREATE TRIGGER refuse_letter BEFORE INSERT ON dead_letters FOR EACH ROW EXECUTE FUNCTION refuse_letter()',
];

function resilienceContract(name: string, open: () => Promise<TestDatabase>): void {
  describe(`ingestion on ${name}`, () => {
    let database: TestDatabase;
    let ingestion: Ingestion;

    beforeAll(async () => {
      database = await open();
      for (const statement of [...REFUSE_POISON, ...REFUSE_LETTERS]) await database.client.query(statement);
      ingestion = ingestionOn(database.client);
    }, 60_000);

    afterAll(() => database?.destroy(), 60_000);

    const lettersFrom = async (prefix: string) =>
      (await new SqlDeadLetterStore(database.client).list()).filter((letter) => letter.source.startsWith(prefix));

    it('dead-letters only the events the store refuses, and stores the rest of their batch in order', async () => {
      const p = uniquePrefix();
      const ids = Array.from({ length: 40 }, (_, i) => (i === 7 || i === 30 ? `poison-${p}-${i}` : `${p}-${i}`));
      const outcomes = await ingestion.ingestBatch(ids.map((id, i) => input(line(id), `${p}:${i + 1}`)));

      expect(outcomes.map((o) => o.status)).toEqual(
        ids.map((id) => (id.startsWith('poison-') ? 'rejected' : 'accepted')),
      );
      const poisoned = outcomes.filter(
        (o): o is Extract<InputOutcome, { status: 'rejected' }> => o.status === 'rejected',
      );
      for (const outcome of poisoned) {
        expect(outcome.reason).toMatch(/^internal: .*poisoned event poison-/);
        expect(outcome.deadLettered).toBe(true);
      }
      const stored = await database.client.query<{ event_id: string }>(
        'SELECT event_id FROM billing_events WHERE event_id LIKE $1 ORDER BY position',
        [`${p}-%`],
      );
      expect(stored.map((row) => row.event_id)).toEqual(ids.filter((id) => !id.startsWith('poison-')));
      const letters = await lettersFrom(`${p}:`);
      expect(letters.map((l) => [l.source, l.raw.toString(), l.eventId])).toEqual([
        [`${p}:8`, line(ids[7]!), ids[7]],
        [`${p}:31`, line(ids[30]!), ids[30]],
      ]);
    });

    it('counts an event refused by the store and sent again as a dead letter again, not as stored', async () => {
      const p = uniquePrefix();
      const raw = line(`poison-${p}`);
      await ingestion.ingestBatch([input(raw, `${p}:1`)]);
      const [again] = await ingestion.ingestBatch([input(raw, `${p}:2`), input(line(`${p}-ok`), `${p}:3`)]);
      expect(again).toMatchObject({ status: 'rejected', deadLettered: true });
      expect((await lettersFrom(`${p}:`)).map((l) => l.source)).toEqual([`${p}:1`, `${p}:2`]);
    });

    it('keeps a letter without its Kafka parts when only those are refused, and says so', async () => {
      const p = `${uniquePrefix()}-no-headers`;
      const kafka = { key: Buffer.from('acme'), headers: [{ name: 'traceparent', value: Buffer.from('00-abc') }] };
      const [outcome] = await ingestion.ingestBatch([input('not json', `${p}/0/1`, kafka)]);
      expect(outcome).toMatchObject({ status: 'rejected', deadLettered: true });
      const [letter] = await lettersFrom(p);
      expect(letter!.raw.toString()).toBe('not json');
      expect(letter!.kafka).toBeNull();
      expect(letter!.reason).toMatch(
        /^not JSON: .*; its Kafka key and headers were not kept \(internal: .*headers refused/,
      );
    });

    it('reports a letter the store refuses outright as not dead-lettered, and keeps the others', async () => {
      const p = uniquePrefix();
      const outcomes = await ingestion.ingestBatch([
        input('bad one', `${p}-no-letter:1`),
        input('bad two', `${p}:2`),
        input(line(`${p}-ok`), `${p}:3`),
      ]);
      expect(outcomes).toEqual([
        expect.objectContaining({ status: 'rejected', deadLettered: false }),
        expect.objectContaining({ status: 'rejected', deadLettered: true }),
        expect.objectContaining({ status: 'accepted' }),
      ]);
      expect((await lettersFrom(p)).map((l) => l.source)).toEqual([`${p}:2`]);
    });
  });
}

resilienceContract('the embedded store (PGlite)', embeddedTestDatabase);

describe('on PostgreSQL', () => {
  let server: { url: string; release(): Promise<void> };
  beforeAll(async () => {
    server = await postgresUrlForTests();
  }, 180_000);
  afterAll(() => server?.release(), 60_000);
  resilienceContract('PostgreSQL', () => postgresTestDatabase(server.url));
});

describe('ingestion while PostgreSQL is down', () => {
  let cluster: ThrowawayPostgres;
  let client: PostgresClient;

  beforeAll(async () => {
    cluster = await startThrowawayPostgres();
    client = new PostgresClient(cluster.url);
    await migrate(client, EVENT_STORE_MIGRATIONS);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await cluster?.destroy();
  }, 60_000);

  it('pauses: throws StoreUnavailableError, stores and dead-letters nothing, and ingests all once the server is back', async () => {
    const ingestion = ingestionOn(client);
    const p = uniquePrefix();
    const batch = [input(line(`${p}-1`), `${p}:1`), input('not json', `${p}:2`), input(line(`${p}-3`), `${p}:3`)];

    await cluster.stop({ mode: 'immediate', keepData: true });
    await expect(ingestion.ingestBatch(batch)).rejects.toBeInstanceOf(StoreUnavailableError);
    await cluster.start();

    expect(await client.query('SELECT count(*)::int AS n FROM dead_letters')).toEqual([{ n: 0 }]);
    expect(await client.query('SELECT count(*)::int AS n FROM billing_events')).toEqual([{ n: 0 }]);
    const outcomes = await ingestion.ingestBatch(batch);
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(await client.query('SELECT source FROM dead_letters')).toEqual([{ source: `${p}:2` }]);
  });
});
