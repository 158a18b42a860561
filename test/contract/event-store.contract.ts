/**
 * The event store contract (libs/ports/src/event-store.ts), run against every adapter by
 * the *-event-store.spec.ts files (ESDB through test/esdb/esdb-contract.ts), and the
 * databases those suites run on. The contract looks into a store only through its
 * StoreUnderTest; cases that apply to one kind of store only are chosen by the options.
 *
 * One store per `describe` (PGlite takes seconds to open); every test uses its own event
 * ids and reads only after the head it saw first, so the tests do not see each other.
 * The cases run in order: the first one checks the empty store.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Client } from 'pg';
import { ChargeIssued, CredentialVerified, IdRegistered, StoredEvent, StoredEventType } from '@smartme/domain';
import { AppendOutcome, EventRecord, EventStore, OrganisationPartition, RecordedEvent } from '@smartme/ports';
import { EmbeddedClient } from '../../libs/adapters/src/sql/embedded-client';
import { EVENT_STORE_MIGRATIONS } from '../../libs/adapters/src/sql/event-store.schema';
import { migrate } from '../../libs/adapters/src/sql/migrations';
import { PostgresClient } from '../../libs/adapters/src/sql/postgres-client';
import { SqlClient } from '../../libs/adapters/src/sql/sql-client';
import { SqlEventStore } from '../../libs/adapters/src/sql/sql-event-store';
import { contentHashOf } from '../../libs/adapters/src/event-store/content-hash';

/* ------------------------------------------------------------------------------------------ */
/* Databases for the suites                                                                     */

/** A migrated database of one test suite: the client can be closed and opened again on the same data. */
export interface TestDatabase {
  readonly client: SqlClient;
  /** Closes the client and opens the same data again (a restart), migrating as a start does. */
  reopen(): Promise<void>;
  /** Closes the client and deletes the data. */
  destroy(): Promise<void>;
}

/** PGlite in a fresh temporary directory. */
export async function embeddedTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'smartme-store-'));
  const open = async (): Promise<SqlClient> => {
    const client = await EmbeddedClient.open(dir);
    await migrate(client, EVENT_STORE_MIGRATIONS);
    return client;
  };
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    return new ReopenableDatabase(await open(), open, remove);
  } catch (error) {
    remove();
    throw error;
  }
}

/** A fresh database with a random name on the PostgreSQL server at `serverUrl`, dropped by destroy(). */
export async function postgresTestDatabase(serverUrl: string): Promise<TestDatabase & { readonly url: string }> {
  const { url, drop } = await createPostgresDatabase(serverUrl);
  const open = async (): Promise<SqlClient> => {
    const client = new PostgresClient(url, { applicationName: 'contract-tests' });
    await migrate(client, EVENT_STORE_MIGRATIONS);
    return client;
  };
  return Object.assign(new ReopenableDatabase(await open(), open, drop), { url });
}

/** An empty database with a random name (so runs never share one), and how to drop it. */
export async function createPostgresDatabase(
  serverUrl: string,
): Promise<{ readonly url: string; drop(): Promise<void> }> {
  const name = `billing_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  return {
    url: databaseUrl(serverUrl, name),
    drop: async () => {
      await withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(serverUrl: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

class ReopenableDatabase implements TestDatabase {
  constructor(
    private current: SqlClient,
    private readonly open: () => Promise<SqlClient>,
    private readonly remove: () => unknown,
  ) {}

  get client(): SqlClient {
    return this.current;
  }

  async reopen(): Promise<void> {
    await this.current.close();
    this.current = await this.open();
  }

  async destroy(): Promise<void> {
    await this.current.close();
    await this.remove();
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Events                                                                                       */

/** A prefix that keeps one test's event ids apart from every other test's. */
export function uniquePrefix(): string {
  return randomUUID().slice(0, 8);
}

/** JSON a store can hold: no NUL in a string (PostgreSQL's text refuses it; intake never lets one through to the store). */
const storableJson = fc.jsonValue({ maxDepth: 3 }).filter((value) => !JSON.stringify(value).includes('\\u0000'));

/** The same JSON value with every object's keys written in the opposite order. */
function keysReversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keysReversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, inner]) => [key, keysReversed(inner)]),
  );
}

export function idRegistered(
  id: string,
  orgId = 'acme',
  idId = `m-${id}`,
  time = '2025-10-12T09:30:00+09:00',
): EventRecord {
  const event: IdRegistered = { id, type: 'IdRegistered', time, data: { orgId, idId } };
  return { event, source: 'identity-platform' };
}

export function credentialVerified(id: string, holderOrgId: string, verifierOrgId: string): EventRecord {
  const event: CredentialVerified = {
    id,
    type: 'CredentialVerified',
    time: '2025-10-13T18:05:59.123-05:30',
    data: { holderOrgId, holderIdId: 'm-1', verifierOrgId },
  };
  return { event, source: 'identity-platform' };
}

export function chargeIssued(id: string, orgId = 'acme', amount = 600): EventRecord {
  const event: ChargeIssued = {
    id,
    type: 'ChargeIssued',
    time: '2025-11-01T01:00:00+09:00',
    data: {
      chargeId: id,
      orgId,
      kind: 'monthly-fee',
      period: '2025-10',
      quantity: 2,
      amount,
      currency: 'JPY',
      tariffVersion: '2025-10',
      termsVersion: '2025-10',
      revision: 0,
      adjusts: null,
      lines: [
        { from: 1, to: 100, quantity: 2, unitPrice: '300', amount: '600' },
        { from: 101, to: null, quantity: 0, unitPrice: '0.333333333333333333', amount: '0' },
      ],
    },
  };
  return { event, source: 'smartme-billing' };
}

/** Data the domain never sends but the store must keep exactly: nesting, unicode, numbers. */
export function oddlyShaped(id: string): EventRecord {
  const data = {
    orgId: '株式会社アクメ🎌',
    idId: 'ｍ－０００１２３',
    nested: [[1, [2, [3, []]]], { deep: [true, false, null, { empty: {} }] }],
    numbers: [0, -1, 0.1 + 0.2, 2 ** 53 - 1, -1.5e-7, 1e21, 123456.789],
    text: 'quote" backslash\\ newline\n tab\t nbsp\u00a0 rtl\u05d0 ZWJ👩‍👩‍👧 astral𝄞',
    'key with spaces and 日本語': 'value',
  };
  return {
    event: { id, type: 'IdRegistered', time: '2025-10-12T09:30:00.5+09:00', data } as unknown as StoredEvent,
    source: 'ünïcode-source',
  };
}

/** Everything readAll yields after `after`, as one list, checking batch sizes on the way. */
export async function readEverything(
  store: EventStore,
  after: bigint,
  batchSize?: number,
): Promise<{ events: RecordedEvent[]; batchSizes: number[] }> {
  const events: RecordedEvent[] = [];
  const batchSizes: number[] = [];
  for await (const batch of store.readAll(batchSize === undefined ? { after } : { after, batchSize })) {
    batchSizes.push(batch.length);
    events.push(...batch);
  }
  return { events, batchSizes };
}

async function readOrganisationOf(store: EventStore, orgId: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const batch of store.readOrganisation(orgId, { before: 2n ** 62n })) events.push(...batch);
  return events;
}

async function readPartitionOnce(store: EventStore, partition: OrganisationPartition, upTo: bigint): Promise<void> {
  for await (const batch of store.readPartition(partition, upTo)) void batch;
}

function positionsOf(outcomes: readonly AppendOutcome[]): bigint[] {
  return outcomes.map((outcome) => outcome.position);
}

function expectAscending(positions: readonly bigint[]): void {
  for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true);
}

/* ------------------------------------------------------------------------------------------ */
/* The contract                                                                                 */

/** A charge queued for publication and not yet published. */
export interface OutboxEntry {
  readonly chargeId: string;
  readonly position: bigint;
}

/** A store under test, with what the contract needs to look inside it, whatever the kind of store. */
export interface StoreUnderTest {
  readonly store: EventStore;
  /** The organisation the store billed the event to, or null when no event with this id is stored. */
  organisationOf(eventId: string): Promise<string | null>;
  /** The charges queued for publication and not yet published whose ids start with `prefix`, in position order. */
  outboxEntries(prefix: string): Promise<OutboxEntry[]>;
  /** Closes the store and opens it again on the same data, like a process restart. */
  reopen(): Promise<this>;
  cleanup(): Promise<void>;
}

/** A store whose charges and outbox entries are written in one transaction. */
export interface TransactionalOutboxStoreUnderTest extends StoreUnderTest {
  /**
   * Makes the outbox insert of `chargeId` fail (an entry already there, at `position`, an
   * existing event's); the returned function repairs it.
   */
  readonly breakOutbox: (chargeId: string, position: bigint) => Promise<() => Promise<void>>;
}

export interface EventStoreContractOptions<S extends StoreUnderTest> {
  /** The store writes a charge and its outbox entry in one transaction: registers the all-or-nothing case. */
  readonly transactionalOutbox?: boolean;
  /** Cases of this kind of store only, registered after the shared ones, on the same store. */
  readonly more?: (subject: () => S) => void;
}

/** What storeOn gives: the store on a SQL database, looked into with SQL. */
export function storeOn(database: TestDatabase): TransactionalOutboxStoreUnderTest {
  const client = (): SqlClient => database.client;
  return {
    store: new SqlEventStore(database.client),
    organisationOf: async (eventId) => {
      const rows = await client().query<{ org_id: string }>('SELECT org_id FROM billing_events WHERE event_id = $1', [
        eventId,
      ]);
      return rows[0]?.org_id ?? null;
    },
    outboxEntries: async (prefix) => {
      const rows = await client().query<{ charge_id: string; position: bigint | string }>(
        'SELECT charge_id, position FROM outbox WHERE published_at IS NULL AND starts_with(charge_id, $1) ORDER BY position',
        [prefix],
      );
      return rows.map((row) => ({ chargeId: row.charge_id, position: BigInt(row.position) }));
    },
    breakOutbox: async (chargeId, position) => {
      await client().query('INSERT INTO outbox (charge_id, position) VALUES ($1, $2)', [chargeId, position.toString()]);
      return async () => {
        await client().query('DELETE FROM outbox WHERE charge_id = $1', [chargeId]);
      };
    },
    cleanup: () => database.destroy(),
    reopen: async () => {
      await database.reopen();
      return storeOn(database);
    },
  };
}

/**
 * Registers the contract's cases. Which cases exist is decided here, from the options, never
 * at run time: a case that cannot apply to a kind of store is not registered for it.
 */
export function eventStoreContract<S extends TransactionalOutboxStoreUnderTest>(
  name: string,
  open: () => Promise<S>,
  options: EventStoreContractOptions<S> & { readonly transactionalOutbox: true },
): void;
export function eventStoreContract<S extends StoreUnderTest>(
  name: string,
  open: () => Promise<S>,
  options?: EventStoreContractOptions<S> & { readonly transactionalOutbox?: false },
): void;
export function eventStoreContract<S extends StoreUnderTest>(
  name: string,
  open: () => Promise<S>,
  options: EventStoreContractOptions<S> = {},
): void {
  describe(`event store contract: ${name}`, () => {
    let subject: S;
    const store = (): EventStore => subject.store;

    beforeAll(async () => {
      subject = await open();
    }, 60_000);

    afterAll(async () => {
      await subject?.cleanup();
    }, 60_000);

    it('starts empty: head 0, nothing to read, nothing to publish', async () => {
      expect(await store().headPosition()).toBe(0n);
      expect(await readEverything(store(), 0n)).toEqual({ events: [], batchSizes: [] });
      expect(await store().append([])).toEqual([]);
      expect(await store().appendCharges([])).toEqual([]);
      expect(await subject.outboxEntries('')).toEqual([]);
    });

    it('appends and reads back in order, ascending positions, content exact', async () => {
      const p = uniquePrefix();
      const head = await store().headPosition();
      const records = [
        idRegistered(`${p}-1`, 'acme'),
        oddlyShaped(`${p}-2`),
        credentialVerified(`${p}-3`, 'holder-org', 'verifier-org'),
        idRegistered(`${p}-4`, 'beta', 'm-9', '2025-12-31T23:59:59.999999+14:00'),
      ];
      const outcomes = await store().append(records);

      expect(outcomes.map(({ eventId, status }) => ({ eventId, status }))).toEqual(
        records.map((r) => ({ eventId: r.event.id, status: 'appended' })),
      );
      expectAscending(positionsOf(outcomes));
      expect(outcomes[0]!.position > head).toBe(true);

      const { events } = await readEverything(store(), head);
      expect(events).toEqual(records.map((record, i) => ({ ...record, position: outcomes[i]!.position })));
      // Exactly, not just deep-equal in spirit: the numbers survive to the last bit.
      const odd = events[1]!.event.data as unknown as { numbers: number[]; text: string };
      expect(odd.numbers).toEqual([0, -1, 0.30000000000000004, 9007199254740991, -1.5e-7, 1e21, 123456.789]);
      expect(odd.text).toBe((records[1]!.event.data as unknown as { text: string }).text);
      expect(await store().headPosition()).toBe(outcomes[3]!.position);
    });

    it('records the billed organisation: the holder for a verification, the charged one for a charge', async () => {
      const p = uniquePrefix();
      await store().append([
        credentialVerified(`${p}-v`, 'holder-org', 'verifier-org'),
        idRegistered(`${p}-r`, 'reg-org'),
      ]);
      await store().appendCharges([chargeIssued(`${p}-c`, 'charged-org')]);
      const organisations = await Promise.all(
        [`${p}-v`, `${p}-r`, `${p}-c`, `${p}-never`].map((id) => subject.organisationOf(id)),
      );
      expect(organisations).toEqual(['holder-org', 'reg-org', 'charged-org', null]);
    });

    it("reads one organisation's events before a position, input and charges alike, of the types asked for", async () => {
      const p = uniquePrefix();
      const org = `org-${p}`;
      const outcomes = await store().append([
        idRegistered(`${p}-1`, org),
        idRegistered(`${p}-2`, `other-${p}`),
        credentialVerified(`${p}-3`, org, `other-${p}`),
        credentialVerified(`${p}-4`, `other-${p}`, org),
        idRegistered(`${p}-5`, org),
      ]);
      const [charge] = await store().appendCharges([chargeIssued(`${p}-c`, org)]);
      const [after] = await store().append([idRegistered(`${p}-6`, org)]);
      const end = after!.position + 1n;
      /** The batches' sizes, and what they held in id order (the port promises no order). */
      const read = async (before: bigint, batchSize?: number, types?: StoredEventType[]) => {
        const sizes: number[] = [];
        const records: RecordedEvent[] = [];
        for await (const batch of store().readOrganisation(org, { before, batchSize, types })) {
          sizes.push(batch.length);
          records.push(...batch);
        }
        const ids = records.map((r) => r.event.id).sort();
        return { ids, sizes, records };
      };

      // The holder's verification is the holder's; the verifier's is not.
      expect((await read(end)).ids).toEqual([`${p}-1`, `${p}-3`, `${p}-5`, `${p}-6`, `${p}-c`]);
      expect((await read(charge!.position)).ids).toEqual([`${p}-1`, `${p}-3`, `${p}-5`]);
      expect((await read(outcomes[2]!.position)).ids).toEqual([`${p}-1`]);
      expect((await read(outcomes[0]!.position)).ids).toEqual([]);
      const paged = await read(end, 2);
      expect(paged.ids).toHaveLength(5);
      expect(paged.sizes.every((size) => size >= 1 && size <= 2)).toBe(true);
      expect(await readOrganisationOf(store(), `nobody-${p}`)).toEqual([]);
      await expect(read(end, 0)).rejects.toThrow(RangeError);
      // Of some types only.
      expect((await read(end, 2, ['IdRegistered', 'ChargeIssued'])).ids).toEqual([
        `${p}-1`,
        `${p}-5`,
        `${p}-6`,
        `${p}-c`,
      ]);
      expect((await read(end, undefined, ['CredentialVerified'])).ids).toEqual([`${p}-3`]);
      expect((await read(end, undefined, [])).ids).toEqual([]);
      // Each event whole, at its position.
      const { records } = await read(charge!.position + 1n);
      expect(records.find((r) => r.event.id === `${p}-1`)).toEqual({
        ...idRegistered(`${p}-1`, org),
        position: outcomes[0]!.position,
      });
      expect(records.find((r) => r.event.id === `${p}-c`)).toEqual({
        ...chargeIssued(`${p}-c`, org),
        position: charge!.position,
      });
    });

    it('same id, same content again: duplicate at the original position, nothing new to read', async () => {
      const p = uniquePrefix();
      const [first] = await store().append([idRegistered(`${p}-1`)]);
      const head = await store().headPosition();

      // Same content with the keys in another order is the same content.
      const reordered: EventRecord = {
        source: 'identity-platform',
        event: {
          data: { idId: `m-${p}-1`, orgId: 'acme' },
          time: '2025-10-12T09:30:00+09:00',
          type: 'IdRegistered',
          id: `${p}-1`,
        },
      };
      const outcomes = await store().append([idRegistered(`${p}-1`), reordered]);

      expect(outcomes).toEqual([
        { eventId: `${p}-1`, status: 'duplicate', position: first!.position },
        { eventId: `${p}-1`, status: 'duplicate', position: first!.position },
      ]);
      expect(await store().headPosition()).toBe(head);
      expect((await readEverything(store(), first!.position - 1n)).events.map((e) => e.event.id)).toEqual([`${p}-1`]);
    });

    it('same id, different content: conflict at the original position, the first stands', async () => {
      const p = uniquePrefix();
      const original = idRegistered(`${p}-1`, 'acme', 'm-1');
      const [first] = await store().append([original]);
      const head = await store().headPosition();

      const differentData = idRegistered(`${p}-1`, 'acme', 'm-2');
      const differentTime = idRegistered(`${p}-1`, 'acme', 'm-1', '2025-10-12T09:30:01+09:00');
      const differentSource: EventRecord = { ...original, source: 'someone-else' };
      const differentType: EventRecord = {
        ...original,
        event: { ...original.event, type: 'IdRevoked' } as StoredEvent,
      };
      const differentOrg = idRegistered(`${p}-1`, 'other-org', 'm-1');
      const outcomes = await store().append([
        differentData,
        differentTime,
        differentSource,
        differentType,
        differentOrg,
      ]);

      expect(outcomes).toEqual(
        [0, 1, 2, 3, 4].map(() => ({ eventId: `${p}-1`, status: 'conflict', position: first!.position })),
      );
      expect(await store().headPosition()).toBe(head);
      const { events } = await readEverything(store(), first!.position - 1n);
      expect(events).toEqual([{ ...original, position: first!.position }]);
    });

    it('duplicates within one batch: the first occurrence wins, the others judged against it', async () => {
      const p = uniquePrefix();
      const stored = idRegistered(`${p}-stored`, 'acme', 'm-1');
      const [storedOutcome] = await store().append([stored]);

      const a = idRegistered(`${p}-a`, 'acme', 'm-a');
      const aChanged = idRegistered(`${p}-a`, 'acme', 'm-a2');
      const b = idRegistered(`${p}-b`);
      const storedChanged = idRegistered(`${p}-stored`, 'acme', 'm-2');
      const c = idRegistered(`${p}-c`);
      const outcomes = await store().append([a, b, a, aChanged, storedChanged, storedChanged, stored, c, aChanged]);

      const [oa, ob, , , , , , oc] = outcomes;
      expect(outcomes.map((o) => [o.eventId, o.status, o.position])).toEqual([
        [`${p}-a`, 'appended', oa!.position],
        [`${p}-b`, 'appended', ob!.position],
        [`${p}-a`, 'duplicate', oa!.position],
        [`${p}-a`, 'conflict', oa!.position],
        [`${p}-stored`, 'conflict', storedOutcome!.position],
        [`${p}-stored`, 'conflict', storedOutcome!.position],
        [`${p}-stored`, 'duplicate', storedOutcome!.position],
        [`${p}-c`, 'appended', oc!.position],
        [`${p}-a`, 'conflict', oa!.position],
      ]);
      expectAscending([storedOutcome!.position, oa!.position, ob!.position, oc!.position]);

      const { events } = await readEverything(store(), storedOutcome!.position - 1n);
      expect(events.map((e) => e.event)).toEqual([stored.event, a.event, b.event, c.event]);
      expect(events.map((e) => e.position)).toEqual([
        storedOutcome!.position,
        oa!.position,
        ob!.position,
        oc!.position,
      ]);
    });

    it('tells a duplicate from a conflict as the canonical JSON of the content does, for any data sent', async () => {
      // The SQL store compares contents in the database (jsonb equality), the others compare
      // hashes of canonical JSON: both must give the verdict the canonical content gives.
      const withExtra = (id: string, extra: unknown): EventRecord => {
        const data = { orgId: 'acme', idId: `m-${id}`, extra };
        const event: IdRegistered = { id, type: 'IdRegistered', time: '2025-10-12T09:30:00+09:00', data };
        return { event, source: 'identity-platform' };
      };
      const sameContent = (a: EventRecord, b: EventRecord) => contentHashOf(a) === contentHashOf(b);
      await fc.assert(
        fc.asyncProperty(storableJson, fc.oneof(storableJson, storableJson.map(keysReversed)), async (sent, again) => {
          const p = uniquePrefix();
          const [first, second] = [withExtra(`${p}-stored`, sent), withExtra(`${p}-stored`, again)];
          await store().append([first]);
          const [stored] = await store().append([second]);
          const [, inBatch] = await store().append([withExtra(`${p}-batch`, sent), withExtra(`${p}-batch`, again)]);
          const verdict = sameContent(first, second) ? 'duplicate' : 'conflict';
          expect([stored!.status, inBatch!.status]).toEqual([verdict, verdict]);
        }),
        { numRuns: 40 },
      );
    });

    it('reads from a middle position (exclusive), also from positions between events', async () => {
      const p = uniquePrefix();
      const records = [1, 2, 3, 4, 5].map((i) => idRegistered(`${p}-${i}`, i % 2 === 0 ? 'acme' : 'beta'));
      const outcomes = await store().append(records);
      const { events } = await readEverything(store(), outcomes[2]!.position);
      expect(events.map((e) => e.event.id)).toEqual([`${p}-4`, `${p}-5`]);
      expect(events.map((e) => e.position)).toEqual([outcomes[3]!.position, outcomes[4]!.position]);
      expect((await readEverything(store(), outcomes[3]!.position - 1n)).events.map((e) => e.event.id)).toEqual([
        `${p}-4`,
        `${p}-5`,
      ]);
      expect((await readEverything(store(), outcomes[4]!.position)).events).toEqual([]);
      expect((await readEverything(store(), outcomes[4]!.position + 1n)).events).toEqual([]);
    });

    it('reads in batches of batchSize, every event once, no empty batch', async () => {
      const p = uniquePrefix();
      const head = await store().headPosition();
      const outcomes = await store().append(Array.from({ length: 7 }, (_, i) => idRegistered(`${p}-${i}`)));

      const byThree = await readEverything(store(), head, 3);
      expect(byThree.batchSizes).toEqual([3, 3, 1]);
      expect(byThree.events.map((e) => e.position)).toEqual(positionsOf(outcomes));

      const exact = await readEverything(store(), outcomes[0]!.position, 3);
      expect(exact.batchSizes).toEqual([3, 3]);
      expect(exact.events.map((e) => e.event.id)).toEqual([1, 2, 3, 4, 5, 6].map((i) => `${p}-${i}`));

      expect((await readEverything(store(), head, 1)).batchSizes).toEqual([1, 1, 1, 1, 1, 1, 1]);
      await expect(readEverything(store(), head, 0)).rejects.toThrow(RangeError);
    });

    it('headPosition is the last readable position', async () => {
      const p = uniquePrefix();
      const outcomes = await store().append([idRegistered(`${p}-1`), idRegistered(`${p}-2`)]);
      expect(await store().headPosition()).toBe(outcomes[1]!.position);
      await store().append([idRegistered(`${p}-1`)]);
      expect(await store().headPosition()).toBe(outcomes[1]!.position);
    });

    it('retainedEventCount: every event but verifications, up to the position asked', async () => {
      const p = uniquePrefix();
      const before = await store().retainedEventCount(await store().headPosition());
      const outcomes = await store().append([
        idRegistered(`${p}-1`),
        credentialVerified(`${p}-2`, 'holder-org', 'verifier-org'),
        idRegistered(`${p}-3`),
        credentialVerified(`${p}-4`, 'holder-org', 'holder-org'),
        idRegistered(`${p}-5`),
      ]);
      expect(await store().retainedEventCount(outcomes[4]!.position)).toBe(before + 3);
      expect(await store().retainedEventCount(outcomes[3]!.position)).toBe(before + 2);
      expect(await store().retainedEventCount(outcomes[0]!.position)).toBe(before + 1);
    });

    it('readPartition: each organisation in exactly one partition with all its events, nothing past upTo, batches of at most batchSize', async () => {
      const p = uniquePrefix();
      const orgs = Array.from({ length: 12 }, (_, i) => `${p}-org-${i}`);
      const outcomes = await store().append(
        orgs.flatMap((org, i) => [idRegistered(`${p}-${i}-a`, org), idRegistered(`${p}-${i}-b`, org)]),
      );
      // The last organisation's events lie past upTo.
      const upTo = outcomes[outcomes.length - 3]!.position;
      const expected = (await readEverything(store(), 0n)).events.filter(
        (e) => e.event.id.startsWith(p) && e.position <= upTo,
      );
      expect(expected).toHaveLength(22);

      for (const count of [1, 3]) {
        const partitionOf = new Map<string, number>();
        const read: RecordedEvent[] = [];
        for (let index = 0; index < count; index++) {
          for await (const batch of store().readPartition({ index, count }, upTo, 2)) {
            expect(batch.length).toBeGreaterThan(0);
            expect(batch.length).toBeLessThanOrEqual(2);
            for (const record of batch.filter((r) => r.event.id.startsWith(p))) {
              read.push(record);
              const org = (record.event.data as { orgId: string }).orgId;
              expect(partitionOf.get(org) ?? index).toBe(index);
              partitionOf.set(org, index);
            }
          }
        }
        expect([...read].sort((a, b) => Number(a.position - b.position))).toEqual(expected);
        if (count === 3) expect(new Set(partitionOf.values()).size).toBeGreaterThan(1);
      }
      await expect(readPartitionOnce(store(), { index: 3, count: 3 }, upTo)).rejects.toThrow(RangeError);
      await expect(readPartitionOnce(store(), { index: 0, count: 0 }, upTo)).rejects.toThrow(RangeError);
    });

    it('appendCharges queues each newly stored charge in the outbox, once; append queues nothing', async () => {
      const p = uniquePrefix();
      const charges = [chargeIssued(`${p}-1`, 'acme'), chargeIssued(`${p}-2`, 'beta')];
      const outcomes = await store().appendCharges([...charges, charges[0]!]);
      expect(outcomes.map((o) => o.status)).toEqual(['appended', 'appended', 'duplicate']);

      const again = await store().appendCharges([charges[1]!, chargeIssued(`${p}-1`, 'acme', 601)]);
      expect(again.map((o) => o.status)).toEqual(['duplicate', 'conflict']);
      const [input] = await store().append([idRegistered(`${p}-input`)]);
      expect(input!.status).toBe('appended');

      expect(await subject.outboxEntries(p)).toEqual([
        { chargeId: `${p}-1`, position: outcomes[0]!.position },
        { chargeId: `${p}-2`, position: outcomes[1]!.position },
      ]);
      const { events } = await readEverything(store(), outcomes[0]!.position - 1n);
      expect(events.map((e) => e.event)).toEqual([...charges.map((c) => c.event), idRegistered(`${p}-input`).event]);
    });

    if (options.transactionalOutbox) {
      it('appendCharges stores a charge and its outbox entry together or not at all', async () => {
        const { breakOutbox } = subject as StoreUnderTest &
          Partial<Pick<TransactionalOutboxStoreUnderTest, 'breakOutbox'>>;
        if (!breakOutbox)
          throw new Error(`${name} is registered with transactionalOutbox but its subject has no breakOutbox`);
        const p = uniquePrefix();
        const head = await store().headPosition();
        // An outbox entry already there makes the outbox insert fail: the charges must not stay behind.
        const [anchor] = await store().append([idRegistered(`${p}-anchor`)]);
        const repair = await breakOutbox(`${p}-2`, anchor!.position);

        await expect(store().appendCharges([chargeIssued(`${p}-1`), chargeIssued(`${p}-2`)])).rejects.toThrow();

        const { events } = await readEverything(store(), head);
        expect(events.map((e) => e.event.id)).toEqual([`${p}-anchor`]);
        expect(await Promise.all([`${p}-1`, `${p}-2`].map((id) => subject.organisationOf(id)))).toEqual([null, null]);
        // And a store that failed is not stuck: the next appends work.
        await repair();
        expect(
          (await store().appendCharges([chargeIssued(`${p}-1`), chargeIssued(`${p}-2`)])).map((o) => o.status),
        ).toEqual(['appended', 'appended']);
      });
    }

    it('appendCharges refuses input events (they would never be published) and stores none of the batch', async () => {
      const p = uniquePrefix();
      await expect(store().appendCharges([chargeIssued(`${p}-1`), idRegistered(`${p}-2`)])).rejects.toThrow(
        /charge events only/,
      );
      expect(await Promise.all([`${p}-1`, `${p}-2`].map((id) => subject.organisationOf(id)))).toEqual([null, null]);
    });

    it('a reader following concurrent appenders misses no event', async () => {
      const p = uniquePrefix();
      const start = await store().headPosition();
      const writers = 4,
        batches = 6,
        batchSize = 250;
      let writing = true;
      const written = Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let b = 0; b < batches; b++) {
            await store().append(Array.from({ length: batchSize }, (_, i) => idRegistered(`${p}-${w}-${b}-${i}`)));
          }
        }),
      ).finally(() => {
        writing = false;
      });

      // A subscriber: reads from its checkpoint over and over, never re-reading below it.
      const seen: RecordedEvent[] = [];
      let checkpoint = start;
      const follow = async (): Promise<void> => {
        for await (const batch of store().readAll({ after: checkpoint, batchSize: 300 })) {
          seen.push(...batch);
          checkpoint = batch[batch.length - 1]!.position;
        }
      };
      while (writing) {
        await follow();
        await new Promise((resolve) => setImmediate(resolve));
      }
      await written;
      await follow();

      const ids = seen.map((e) => e.event.id);
      expect(ids.length).toBe(writers * batches * batchSize);
      expect(new Set(ids).size).toBe(ids.length);
      expectAscending(seen.map((e) => e.position));
    }, 120_000);

    it('idempotency survives reopening the store', async () => {
      const p = uniquePrefix();
      const [first] = await store().append([idRegistered(`${p}-1`)]);
      const head = await store().headPosition();

      subject = await subject.reopen();

      expect(await store().headPosition()).toBe(head);
      expect(await store().append([idRegistered(`${p}-1`), idRegistered(`${p}-1`, 'other')])).toEqual([
        { eventId: `${p}-1`, status: 'duplicate', position: first!.position },
        { eventId: `${p}-1`, status: 'conflict', position: first!.position },
      ]);
      const [next] = await store().append([idRegistered(`${p}-2`)]);
      expect(next!.status).toBe('appended');
      expect(next!.position > head).toBe(true);
    }, 60_000);

    options.more?.(() => subject);
  });
}
