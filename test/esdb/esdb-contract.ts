/**
 * The event store contract (libs/ports/src/event-store.ts) for EventStoreDB/KurrentDB.
 *
 * The shared suite, eventStoreContract in test/contract/event-store.contract.ts, checks
 * the organisation and the outbox with SQL through a SqlClient; ESDB has neither tables nor
 * SQL. This is the same contract, case by case, with those checks made through the store's
 * own means (EsdbEventStore.locate, EsdbChargeOutbox), plus what is ESDB's own: claims
 * left unfinished by a writer that died. Store-agnostic cases keep the shared suite's
 * helpers and expectations.
 */
import { EventStoreDBClient, NO_STREAM } from '@eventstore/db-client';
import { ChargeEvent, StoredEvent } from '@smartme/domain';
import { AppendOutcome, EventRecord, RecordedEvent } from '@smartme/ports';
import { EsdbChargeOutbox } from '../../libs/adapters/src/esdb/esdb-charge-outbox';
import { eventDataOf, prepareEvent } from '../../libs/adapters/src/esdb/esdb-event-mapping';
import { EsdbAppendInterruptedError, EsdbEventStore, EsdbEventStoreOptions } from '../../libs/adapters/src/esdb/esdb-event-store';
import { claimEventOf } from '../../libs/adapters/src/esdb/esdb-guard';
import { esdbEventIdOf } from '../../libs/adapters/src/esdb/esdb-names';
import { chargeIssued, credentialVerified, idRegistered, oddlyShaped, readEverything, uniquePrefix } from '../contract/event-store.contract';

export interface EsdbStoreUnderTest {
  readonly store: EsdbEventStore;
  readonly client: EventStoreDBClient;
  /** A charge outbox on the same streams (a new one each call: a restarted publisher). */
  outbox(): EsdbChargeOutbox;
  /** Another store on the same streams, with other options (short claim leases). */
  another(options: EsdbEventStoreOptions): EsdbEventStore;
  /** Closes the store and opens it again on the same streams, like a process restart. */
  reopen(): Promise<EsdbStoreUnderTest>;
  cleanup(): Promise<void>;
}

function expectAscending(positions: readonly bigint[]): void {
  for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true);
}

const positionsOf = (outcomes: readonly AppendOutcome[]): bigint[] => outcomes.map((outcome) => outcome.position);

export function esdbEventStoreContract(name: string, open: () => Promise<EsdbStoreUnderTest>): void {
  describe(`event store contract: ${name}`, () => {
    let subject: EsdbStoreUnderTest;
    const store = (): EsdbEventStore => subject.store;

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
      expect(await subject.outbox().backlog()).toBe(0);
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

      expect(outcomes.map(({ eventId, status }) => ({ eventId, status }))).toEqual(records.map((r) => ({ eventId: r.event.id, status: 'appended' })));
      expectAscending(positionsOf(outcomes));
      expect(outcomes[0]!.position > head).toBe(true);

      const { events } = await readEverything(store(), head);
      expect(events).toEqual(records.map((record, i) => ({ ...record, position: outcomes[i]!.position })));
      const odd = events[1]!.event.data as unknown as { numbers: number[]; text: string };
      expect(odd.numbers).toEqual([0, -1, 0.30000000000000004, 9007199254740991, -1.5e-7, 1e21, 123456.789]);
      expect(odd.text).toBe((records[1]!.event.data as unknown as { text: string }).text);
      expect(await store().headPosition()).toBe(outcomes[3]!.position);
    });

    it('stores each event in the stream of its billed organisation: the holder for a verification, the charged one for a charge', async () => {
      const p = uniquePrefix();
      await store().append([credentialVerified(`${p}-v`, 'holder-org', 'verifier-org'), idRegistered(`${p}-r`, 'reg-org')]);
      await store().appendCharges([chargeIssued(`${p}-c`, 'charged-org')]);
      const streams = await Promise.all([`${p}-v`, `${p}-r`, `${p}-c`].map(async (id) => (await store().locate(id))?.stream));
      expect(streams).toEqual(['holder-org', 'reg-org', 'charged-org'].map((org) => store().names.organisation(org)));
    });

    it('same id, same content again: duplicate at the original position, nothing new to read', async () => {
      const p = uniquePrefix();
      const [first] = await store().append([idRegistered(`${p}-1`)]);
      const head = await store().headPosition();

      const reordered: EventRecord = { source: 'identity-platform', event: { data: { idId: `m-${p}-1`, orgId: 'acme' }, time: '2025-10-12T09:30:00+09:00', type: 'IdRegistered', id: `${p}-1` } };
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
      const differentType: EventRecord = { ...original, event: { ...original.event, type: 'IdRevoked' } as StoredEvent };
      const differentOrg = idRegistered(`${p}-1`, 'other-org', 'm-1');
      const outcomes = await store().append([differentData, differentTime, differentSource, differentType, differentOrg]);

      expect(outcomes).toEqual([0, 1, 2, 3, 4].map(() => ({ eventId: `${p}-1`, status: 'conflict', position: first!.position })));
      expect(await store().headPosition()).toBe(head);
      expect((await readEverything(store(), first!.position - 1n)).events).toEqual([{ ...original, position: first!.position }]);
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
      expect(events.map((e) => e.position)).toEqual([storedOutcome!.position, oa!.position, ob!.position, oc!.position]);
    });

    it('reads from a middle position (exclusive), also from positions between events', async () => {
      const p = uniquePrefix();
      const records = [1, 2, 3, 4, 5].map((i) => idRegistered(`${p}-${i}`, i % 2 === 0 ? 'acme' : 'beta'));
      const outcomes = await store().append(records);
      const { events } = await readEverything(store(), outcomes[2]!.position);
      expect(events.map((e) => e.event.id)).toEqual([`${p}-4`, `${p}-5`]);
      expect(events.map((e) => e.position)).toEqual([outcomes[3]!.position, outcomes[4]!.position]);
      expect((await readEverything(store(), outcomes[3]!.position - 1n)).events.map((e) => e.event.id)).toEqual([`${p}-4`, `${p}-5`]);
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
      // A store that just started (no cache) agrees.
      const fresh = subject.another({});
      expect(await fresh.headPosition()).toBe(outcomes[1]!.position);
    });

    it('appendCharges queues each newly stored charge for publication, once; append queues nothing', async () => {
      const p = uniquePrefix();
      const charges = [chargeIssued(`${p}-1`, 'acme'), chargeIssued(`${p}-2`, 'beta')];
      const outcomes = await store().appendCharges([...charges, charges[0]!]);
      expect(outcomes.map((o) => o.status)).toEqual(['appended', 'appended', 'duplicate']);

      const again = await store().appendCharges([charges[1]!, chargeIssued(`${p}-1`, 'acme', 601)]);
      expect(again.map((o) => o.status)).toEqual(['duplicate', 'conflict']);
      const [input] = await store().append([idRegistered(`${p}-input`)]);
      expect(input!.status).toBe('appended');

      const pending = (await subject.outbox().pending(100_000)).filter((charge) => charge.event.id.startsWith(p));
      expect(pending).toEqual([
        { position: outcomes[0]!.position, event: charges[0]!.event as ChargeEvent },
        { position: outcomes[1]!.position, event: charges[1]!.event as ChargeEvent },
      ]);
      expect((await store().locate(`${p}-1`))?.outbox).toBe(true);
      expect((await store().locate(`${p}-input`))?.outbox).toBe(false);
      const { events } = await readEverything(store(), outcomes[0]!.position - 1n);
      expect(events.map((e) => e.event)).toEqual([...charges.map((c) => c.event), idRegistered(`${p}-input`).event]);
    });

    it('a published charge leaves the outbox for good: the checkpoint survives a restart of the publisher', async () => {
      const p = uniquePrefix();
      const outbox = subject.outbox();
      const earlier = await outbox.pending(100_000);
      await outbox.markPublished(earlier.map((charge) => charge.event.id));
      expect(await outbox.backlog()).toBe(0);

      const outcomes = await store().appendCharges([chargeIssued(`${p}-1`), chargeIssued(`${p}-2`, 'beta'), chargeIssued(`${p}-3`)]);
      expect((await outbox.pending(2)).map((c) => c.event.id)).toEqual([`${p}-1`, `${p}-2`]);
      await outbox.markPublished([`${p}-1`, `${p}-3`]);
      expect((await outbox.pending(10)).map((c) => c.event.id)).toEqual([`${p}-2`]);
      expect(await outbox.publishedCheckpoint()).toBe(outcomes[0]!.position);

      // A restarted publisher starts at the checkpoint: p-1 stays published, p-3 comes again (at least once).
      const restarted = subject.outbox();
      expect((await restarted.pending(10)).map((c) => c.event.id)).toEqual([`${p}-2`, `${p}-3`]);
      await restarted.markPublished([`${p}-2`, `${p}-3`]);
      expect(await restarted.backlog()).toBe(0);
      expect(await restarted.publishedCheckpoint()).toBeGreaterThanOrEqual(outcomes[2]!.position);
      expect(await subject.outbox().backlog()).toBe(0);
    });

    it('appendCharges refuses input events (they would never be published) and stores none of the batch', async () => {
      const p = uniquePrefix();
      await expect(store().appendCharges([chargeIssued(`${p}-1`), idRegistered(`${p}-2`)])).rejects.toThrow(/charge events only/);
      expect(await store().locate(`${p}-1`)).toBeNull();
      expect(await store().locate(`${p}-2`)).toBeNull();
    });

    it('a reader following concurrent appenders misses no event', async () => {
      const p = uniquePrefix();
      const start = await store().headPosition();
      const writers = 4, batches = 6, batchSize = 250;
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

    it('two stores racing to append one id: one stores it, the other gets duplicate or conflict at its position', async () => {
      const p = uniquePrefix();
      const other = subject.another({});
      const head = await store().headPosition();
      const ids = Array.from({ length: 20 }, (_, i) => `${p}-${i}`);
      const [mine, theirs] = await Promise.all([
        store().append(ids.map((id) => idRegistered(id, 'acme', 'm-mine'))),
        other.append(ids.map((id, i) => idRegistered(id, 'acme', i % 2 === 0 ? 'm-mine' : 'm-theirs'))),
      ]);
      const { events } = await readEverything(store(), head);
      expect(events.map((e) => e.event.id).sort()).toEqual([...ids].sort());
      ids.forEach((id, i) => {
        const a = mine![i]!, b = theirs![i]!;
        expect(a.position).toBe(b.position);
        expect([a.status, b.status].filter((status) => status === 'appended')).toHaveLength(1);
        const loser = a.status === 'appended' ? b : a;
        expect(loser.status).toBe(i % 2 === 0 ? 'duplicate' : 'conflict');
      });
    }, 60_000);

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

    /* ESDB's own: the guard of an id is written in steps; a writer can die between them. */

    /** What a writer that died right after claiming left behind (and, if `appended`, after appending too). */
    async function diedAfterClaiming(record: EventRecord, appended: boolean): Promise<void> {
      const prepared = prepareEvent(record, store().names, { outbox: false });
      const last = await lastRevision(prepared.stream);
      await subject.client.appendToStream(store().names.guard(prepared.esdbEventId), claimEventOf(prepared, last), { expectedRevision: NO_STREAM });
      if (appended) await subject.client.appendToStream(prepared.stream, eventDataOf(prepared));
    }

    async function lastRevision(stream: string): Promise<bigint | null> {
      try {
        for await (const resolved of subject.client.readStream(stream, { direction: 'backwards', fromRevision: 'end', maxCount: 1 })) return resolved.event?.revision ?? null;
      } catch {
        return null;
      }
      return null;
    }

    it('a claim whose writer died before appending is taken over after the lease: stored once, from the claim', async () => {
      const p = uniquePrefix();
      const lease = subject.another({ claimLeaseMs: 1_000, claimWaitMs: 5_000 });
      const head = await lease.headPosition();
      const same = idRegistered(`${p}-same`);
      const other = idRegistered(`${p}-other`, 'acme', 'm-first');
      await diedAfterClaiming(same, false);
      await diedAfterClaiming(other, false);

      const outcomes = await lease.append([same, idRegistered(`${p}-other`, 'acme', 'm-second')]);
      // The retry of the same content stores it now; other content loses to the claim, whose event is stored.
      expect(outcomes.map((o) => o.status)).toEqual(['appended', 'conflict']);
      const { events } = await readEverything(lease, head);
      expect(events.map((e) => [e.event, e.position])).toEqual([
        [same.event, outcomes[0]!.position],
        [other.event, outcomes[1]!.position],
      ]);
      expect(await lease.append([same, other])).toEqual([
        { eventId: `${p}-same`, status: 'duplicate', position: outcomes[0]!.position },
        { eventId: `${p}-other`, status: 'duplicate', position: outcomes[1]!.position },
      ]);
    }, 30_000);

    it('a claim whose writer died after appending is found in its stream, not appended twice', async () => {
      const p = uniquePrefix();
      const lease = subject.another({ claimLeaseMs: 1_000, claimWaitMs: 5_000 });
      const head = await lease.headPosition();
      const record = idRegistered(`${p}-1`);
      await diedAfterClaiming(record, true);

      const [outcome] = await lease.append([record]);
      expect(outcome!.status).toBe('duplicate');
      const { events } = await readEverything(lease, head);
      expect(events).toEqual([{ ...record, position: outcome!.position }]);
      expect((await lease.locate(`${p}-1`))?.status).toBe('stored');
    }, 30_000);

    it('a fresh claim of another writer makes an append wait, then ask for a retry', async () => {
      const p = uniquePrefix();
      const patient = subject.another({ claimLeaseMs: 60_000, claimWaitMs: 300 });
      await diedAfterClaiming(idRegistered(`${p}-1`), false);
      await expect(patient.append([idRegistered(`${p}-2`), idRegistered(`${p}-1`)])).rejects.toThrow(EsdbAppendInterruptedError);
      // What could be stored was: the retry finds it.
      expect((await patient.locate(`${p}-2`))?.status).toBe('stored');
      expect((await patient.locate(`${p}-1`))?.status).toBe('in-doubt');
      expect(esdbEventIdOf(`${p}-1`)).toMatch(/^[0-9a-f-]{36}$/);
    }, 30_000);
  });
}
