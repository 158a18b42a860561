/**
 * The event store contract (libs/ports/src/event-store.ts) for EventStoreDB/KurrentDB.
 *
 * The common cases are the shared suite's, eventStoreContract in
 * test/contract/event-store.contract.ts, looking into the store through its own means
 * (EsdbEventStore.locate for the organisation, EsdbChargeOutbox for the outbox). ESDB has no
 * transaction spanning a charge and its outbox entry (the charge event is its own entry), so
 * the all-or-nothing case of transactional outboxes is not registered for it. Registered here,
 * after the shared cases and on the same store, is what is ESDB's own: the publication
 * checkpoint, stores racing on one id, and claims left unfinished by a writer that died.
 */
import { EventStoreDBClient, NO_STREAM } from '@eventstore/db-client';
import { EventRecord } from '@smartme/ports';
import { EsdbChargeOutbox } from '../../libs/adapters/src/esdb/esdb-charge-outbox';
import { eventDataOf, prepareEvent } from '../../libs/adapters/src/esdb/esdb-event-mapping';
import { EsdbAppendInterruptedError } from '../../libs/adapters/src/esdb/esdb-append-runs';
import { EsdbEventStore, EsdbEventStoreOptions } from '../../libs/adapters/src/esdb/esdb-event-store';
import { claimEventOf } from '../../libs/adapters/src/esdb/esdb-guard';
import { esdbEventIdOf } from '../../libs/adapters/src/esdb/esdb-names';
import {
  OutboxEntry,
  StoreUnderTest,
  chargeIssued,
  eventStoreContract,
  idRegistered,
  readEverything,
  uniquePrefix,
} from '../contract/event-store.contract';

/** What the spec files provide: the store and its client, from which the shared suite's subject is made. */
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

/** The ESDB subject with the shared suite's means of looking into a store. */
interface EsdbSubject extends StoreUnderTest, Omit<EsdbStoreUnderTest, 'reopen'> {
  readonly store: EsdbEventStore;
}

function subjectOf(esdb: EsdbStoreUnderTest): EsdbSubject {
  const { store } = esdb;
  return {
    store,
    client: esdb.client,
    outbox: () => esdb.outbox(),
    another: (options) => esdb.another(options),
    organisationOf: async (eventId) => {
      const location = await store.locate(eventId);
      if (!location) return null;
      expect(store.names.isOrganisationStream(location.stream)).toBe(true);
      return location.stream.slice(store.names.orgPrefix.length);
    },
    outboxEntries: async (prefix): Promise<OutboxEntry[]> =>
      (await esdb.outbox().pending(100_000))
        .filter((charge) => charge.event.id.startsWith(prefix))
        .map((charge) => ({ chargeId: charge.event.id, position: charge.position })),
    reopen: async () => subjectOf(await esdb.reopen()),
    cleanup: () => esdb.cleanup(),
  };
}

export function esdbEventStoreContract(name: string, open: () => Promise<EsdbStoreUnderTest>): void {
  eventStoreContract(name, async () => subjectOf(await open()), { more: (current) => esdbOwnCases(current) });
}

/** ESDB's own cases, on the store the shared cases ran on. */
function esdbOwnCases(current: () => EsdbSubject): void {
  const store = (): EsdbEventStore => current().store;

  it('a store that just started (no cache) agrees on headPosition', async () => {
    const p = uniquePrefix();
    const outcomes = await store().append([idRegistered(`${p}-1`), idRegistered(`${p}-2`)]);
    expect(await current().another({}).headPosition()).toBe(outcomes[1]!.position);
  });

  it('a charge is its own outbox entry: locate marks charges, not input events', async () => {
    const p = uniquePrefix();
    await store().appendCharges([chargeIssued(`${p}-1`)]);
    await store().append([idRegistered(`${p}-input`)]);
    expect((await store().locate(`${p}-1`))?.outbox).toBe(true);
    expect((await store().locate(`${p}-input`))?.outbox).toBe(false);
  });

  it('a published charge leaves the outbox for good: the checkpoint survives a restart of the publisher', async () => {
    const p = uniquePrefix();
    const outbox = current().outbox();
    const earlier = await outbox.pending(100_000);
    await outbox.markPublished(earlier.map((charge) => charge.event.id));
    expect(await outbox.backlog()).toBe(0);

    const outcomes = await store().appendCharges([
      chargeIssued(`${p}-1`),
      chargeIssued(`${p}-2`, 'beta'),
      chargeIssued(`${p}-3`),
    ]);
    expect((await outbox.pending(2)).map((c) => c.event.id)).toEqual([`${p}-1`, `${p}-2`]);
    await outbox.markPublished([`${p}-1`, `${p}-3`]);
    expect((await outbox.pending(10)).map((c) => c.event.id)).toEqual([`${p}-2`]);
    expect(await outbox.publishedCheckpoint()).toBe(outcomes[0]!.position);

    // A restarted publisher starts at the checkpoint: p-1 stays published, p-3 comes again (at least once).
    const restarted = current().outbox();
    expect((await restarted.pending(10)).map((c) => c.event.id)).toEqual([`${p}-2`, `${p}-3`]);
    await restarted.markPublished([`${p}-2`, `${p}-3`]);
    expect(await restarted.backlog()).toBe(0);
    expect(await restarted.publishedCheckpoint()).toBeGreaterThanOrEqual(outcomes[2]!.position);
    expect(await current().outbox().backlog()).toBe(0);
  });

  it('two stores racing to append one id: one stores it, the other gets duplicate or conflict at its position', async () => {
    const p = uniquePrefix();
    const other = current().another({});
    const head = await store().headPosition();
    const ids = Array.from({ length: 20 }, (_, i) => `${p}-${i}`);
    const [mine, theirs] = await Promise.all([
      store().append(ids.map((id) => idRegistered(id, 'acme', 'm-mine'))),
      other.append(ids.map((id, i) => idRegistered(id, 'acme', i % 2 === 0 ? 'm-mine' : 'm-theirs'))),
    ]);
    const { events } = await readEverything(store(), head);
    expect(events.map((e) => e.event.id).sort()).toEqual([...ids].sort());
    ids.forEach((id, i) => {
      const a = mine![i]!,
        b = theirs![i]!;
      expect(a.position).toBe(b.position);
      expect([a.status, b.status].filter((status) => status === 'appended')).toHaveLength(1);
      const loser = a.status === 'appended' ? b : a;
      expect(loser.status).toBe(i % 2 === 0 ? 'duplicate' : 'conflict');
    });
  }, 60_000);

  /* ESDB's own: the guard of an id is written in steps; a writer can die between them. */

  /** What a writer that died right after claiming left behind (and, if `appended`, after appending too). */
  async function diedAfterClaiming(record: EventRecord, appended: boolean): Promise<void> {
    const prepared = prepareEvent(record, store().names, { outbox: false });
    const last = await lastRevision(prepared.stream);
    await current().client.appendToStream(store().names.guard(prepared.esdbEventId), claimEventOf(prepared, last), {
      expectedRevision: NO_STREAM,
    });
    if (appended) await current().client.appendToStream(prepared.stream, eventDataOf(prepared));
  }

  async function lastRevision(stream: string): Promise<bigint | null> {
    try {
      for await (const resolved of current().client.readStream(stream, {
        direction: 'backwards',
        fromRevision: 'end',
        maxCount: 1,
      }))
        return resolved.event?.revision ?? null;
    } catch {
      return null;
    }
    return null;
  }

  it('a claim whose writer died before appending is taken over after the lease: stored once, from the claim', async () => {
    const p = uniquePrefix();
    const lease = current().another({ claimLeaseMs: 1_000, claimWaitMs: 5_000 });
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
    const lease = current().another({ claimLeaseMs: 1_000, claimWaitMs: 5_000 });
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
    const patient = current().another({ claimLeaseMs: 60_000, claimWaitMs: 300 });
    await diedAfterClaiming(idRegistered(`${p}-1`), false);
    await expect(patient.append([idRegistered(`${p}-2`), idRegistered(`${p}-1`)])).rejects.toThrow(
      EsdbAppendInterruptedError,
    );
    // What could be stored was: the retry finds it.
    expect((await patient.locate(`${p}-2`))?.status).toBe('stored');
    expect((await patient.locate(`${p}-1`))?.status).toBe('in-doubt');
    expect(esdbEventIdOf(`${p}-1`)).toMatch(/^[0-9a-f-]{36}$/);
  }, 30_000);
}
