import { EventStoreDBClient, FORWARDS, ReadRevision, START } from '@eventstore/db-client';
import { isVerification, organisationOf } from '@smartme/domain';
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
import { mapLimit } from './concurrency';
import { EsdbAppender } from './esdb-append-runs';
import { PreparedEvent, prepareEvent, recordedEventOf } from './esdb-event-mapping';
import { GuardState } from './esdb-guard';
import { EsdbGuardProtocol, Standing } from './esdb-guard-protocol';
import { DEFAULT_PAGE_SIZE, EsdbLog } from './esdb-log';
import { esdbEventIdOf, EsdbStreamNames, streamPartition } from './esdb-names';
import { assertPosition, storePositionOf } from './esdb-position';

export const DEFAULT_READ_BATCH_SIZE = 5000;

export interface EsdbEventStoreOptions {
  /** Stream names `<prefix>-org-…`; `billing` unless a test keeps its runs apart. */
  readonly streamPrefix?: string;
  /** Events per `$all` page. */
  readonly readPageSize?: number;
  /** Guard reads and writes in flight at once. */
  readonly concurrency?: number;
  /**
   * How long a claim belongs to its writer. A writer does not start an append later than
   * half of it after claiming; another writer takes over a claim older than all of it.
   */
  readonly claimLeaseMs?: number;
  /** How long an append waits for another writer's fresh claim on the same id to finish. */
  readonly claimWaitMs?: number;
  readonly now?: () => number;
}

/** Where an event id stands in the store, for diagnostics. */
export interface EventLocation {
  readonly stream: string;
  readonly status: 'stored' | 'in-doubt';
  readonly position: bigint | null;
  readonly contentHash: string;
  readonly outbox: boolean;
}

/**
 * The event store on EventStoreDB/KurrentDB (selected by EVENTSTORE_CONNECTION_STRING).
 *
 * Layout: one stream per organisation, `billing-org-<orgId>` (the billed organisation of an
 * input event, the charged one of a charge), appended with expectedRevision ANY: writers
 * never contend on a stream revision, and the per-organisation order is the append order.
 * The ESDB event id is the UUIDv5 of the CloudEvent id (esdbEventIdOf), so ESDB's own
 * idempotent-write check already drops a retried append that it still remembers; the
 * CloudEvent id, source, time and content hash travel in the metadata.
 *
 * "The event id is the idempotency key, forever" needs more than that check: with ANY it is
 * best effort, from an in-memory cache of recent ids that a restart empties. Options were:
 * - look the id up in `$all` or in the organisation stream: a scan per append, which grows
 *   with the store, and a concurrent writer of the same id would not be seen anyway;
 * - the `$by_event_id`-like system projections: not for arbitrary ids, and eventually
 *   consistent, so not a uniqueness check;
 * - a guard stream per id, `billing-id-<uuid>`, written with expectedRevision NO_STREAM:
 *   ESDB's optimistic concurrency makes exactly one writer win, forever, in one round trip,
 *   and a lookup is one stream read by name (an index lookup), independent of store size.
 * The last is what this does (esdb-guard.ts has the guard's events, esdb-guard-protocol.ts
 * the protocol, esdb-append-runs.ts the appends). Per new event that is
 * three small round trips (read guard, claim, mark stored), run `concurrency` at a time,
 * plus one append and one read-back per run of events of one organisation.
 *
 * Appending a batch:
 * 1. the first occurrence of each id in the batch is the candidate; later ones are judged
 *    against what stands for their id (as the SQL store does);
 * 2. read each candidate's guard: stored → duplicate or conflict by content hash, at the
 *    stored position; claimed but unfinished → settled (below);
 * 3. claim the rest (NO_STREAM); a writer that loses a race treats the winner's guard as in 2;
 * 4. append the claimed events to their organisation streams, in batch order, one append
 *    per run of consecutive events of one organisation (so positions ascend in batch order),
 *    and read the run back for its positions (an append only reports its last one);
 * 5. mark each guard stored with its position.
 * A crash between 3 and 5 leaves a claim unfinished. Whoever meets it later waits while the
 * claim is younger than the lease (its writer may be appending), then takes it over with a
 * `BillingIdReclaimed` at the guard's next revision (one winner again), looks for the event
 * in its organisation stream after the revision recorded in the claim, appends it from the
 * claim if it is not there, and marks the guard stored. The original writer cannot append
 * late: it starts no append later than half the lease after its claim, and gives each
 * append a deadline of a quarter lease (ESDB times out uncommitted writes in seconds).
 *
 * Positions are `$all` commit positions (esdb-position.ts); readAll reads `$all` forwards
 * and keeps the organisation streams (guards, the outbox checkpoint and system streams are
 * skipped). ESDB hands out positions in log order and never shows a record before the ones
 * under it, so a reader following the position misses nothing.
 *
 * appendCharges: there is no transaction spanning an event and an outbox table; the charge
 * event is its own outbox entry instead (metadata `outbox: true`), so "stored and queued
 * together or not at all" holds by construction. EsdbChargeOutbox publishes from those.
 */
export class EsdbEventStore implements EventStore {
  readonly names: EsdbStreamNames;
  private readonly log: EsdbLog;
  private readonly appender: EsdbAppender;
  private readonly guards: EsdbGuardProtocol;
  private readonly concurrency: number;
  private readonly claimLeaseMs: number;
  private readonly now: () => number;
  /** headPosition's cache: the newest event of ours, and how far `$all` has been looked through for it. */
  private head = 0n;
  private headScannedTo = 0n;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EsdbEventStoreOptions = {},
  ) {
    this.names = new EsdbStreamNames(options.streamPrefix);
    this.log = new EsdbLog(client, options.readPageSize ?? DEFAULT_PAGE_SIZE);
    this.concurrency = positiveInteger(options.concurrency ?? 64, 'concurrency');
    this.claimLeaseMs = positiveInteger(options.claimLeaseMs ?? 60_000, 'claimLeaseMs');
    this.now = options.now ?? Date.now;
    // ESDB times out uncommitted writes in seconds; an append never outlives a quarter lease.
    this.appender = new EsdbAppender(this.log, Math.max(1_000, Math.min(10_000, Math.floor(this.claimLeaseMs / 4))));
    this.guards = new EsdbGuardProtocol(this.log, this.names, this.appender, {
      claimLeaseMs: this.claimLeaseMs,
      claimWaitMs: positiveInteger(options.claimWaitMs ?? 10_000, 'claimWaitMs'),
      now: this.now,
    });
  }

  append(records: readonly EventRecord[]): Promise<AppendOutcome[]> {
    return this.appendBatch(records, false);
  }

  async appendCharges(records: readonly EventRecord[]): Promise<AppendOutcome[]> {
    assertChargeRecords(records);
    return this.appendBatch(records, true);
  }

  async *readAll(options: ReadAllOptions): AsyncGenerator<readonly RecordedEvent[], void, undefined> {
    const batchSize = positiveInteger(options.batchSize ?? DEFAULT_READ_BATCH_SIZE, 'batchSize');
    assertPosition(options.after, 'after');
    let batch: RecordedEvent[] = [];
    for await (const page of this.log.forward(options.after)) {
      for (const event of page) {
        if (!this.names.isOrganisationStream(event.streamId)) continue;
        batch.push(
          recordedEventOf(
            event,
            storePositionOf(event.position, `event ${event.revision}@${event.streamId}`),
            this.names,
          )!,
        );
        if (batch.length === batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** `$all` read forwards (the client has no server-side filter by stream hash), kept to one partition of the organisation streams. */
  async *readPartition(
    partition: OrganisationPartition,
    upTo: bigint,
    batchSize = DEFAULT_READ_BATCH_SIZE,
  ): AsyncGenerator<readonly RecordedEvent[], void, undefined> {
    assertPartition(partition);
    for await (const page of this.readAll({ after: 0n, batchSize })) {
      const inPartition = page.filter(
        (record) =>
          record.position <= upTo &&
          streamPartition(this.names.organisation(organisationOf(record.event)), partition.count) === partition.index,
      );
      if (inPartition.length > 0) yield inPartition;
      if (page[page.length - 1]!.position >= upTo) return;
    }
  }

  /** The organisation's own stream, read forwards by revision: a stream read by name, whatever the size of `$all`. */
  async *readOrganisation(
    orgId: string,
    options: ReadOrganisationOptions,
  ): AsyncGenerator<readonly RecordedEvent[], void, undefined> {
    const batchSize = positiveInteger(options.batchSize ?? DEFAULT_READ_BATCH_SIZE, 'batchSize');
    const { before } = options;
    const types: ReadonlySet<string> | null = options.types ? new Set(options.types) : null;
    const stream = this.names.organisation(orgId);
    let from: ReadRevision = START;
    for (;;) {
      const events = await this.log.readStream(stream, {
        fromRevision: from,
        maxCount: batchSize,
        direction: FORWARDS,
      });
      if (!events || events.length === 0) return;
      const batch: RecordedEvent[] = [];
      for (const event of events) {
        const position = storePositionOf(event.position, `event ${event.revision}@${stream}`);
        // The stream's order is its append order, which is the order of positions.
        if (position >= before) {
          if (batch.length > 0) yield batch;
          return;
        }
        if (!types || types.has(event.type)) batch.push(recordedEventOf(event, position, this.names)!);
      }
      if (batch.length > 0) yield batch;
      if (events.length < batchSize) return;
      from = events[events.length - 1]!.revision + 1n;
    }
  }

  /**
   * One read of `$all` through (the client counts nothing on the server): a replay reads
   * it once per partition anyway. Positions are commit positions in the log, bytes rather
   * than events, so they cannot stand in for a count.
   */
  async retainedEventCount(upTo: bigint): Promise<number> {
    let count = 0;
    for await (const page of this.readAll({ after: 0n })) {
      for (const record of page) if (record.position <= upTo && !isVerification(record.event)) count++;
      if (page[page.length - 1]!.position >= upTo) break;
    }
    return count;
  }

  /**
   * The newest event of ours in `$all`, found reading backwards from the end. The projector
   * asks every round, so the answer is cached with how far back `$all` has been looked
   * through: a later call only reads what was appended since (system statistics included).
   */
  async headPosition(): Promise<bigint> {
    const scannedTo = this.headScannedTo;
    let found = 0n;
    const newest = await this.log.scanBackwards(scannedTo, (event) => {
      if (!this.names.isOrganisationStream(event.streamId)) return false;
      found = storePositionOf(event.position, `event ${event.revision}@${event.streamId}`);
      return true;
    });
    if (found > this.head) this.head = found;
    if (newest && newest.commit > this.headScannedTo) this.headScannedTo = newest.commit;
    return this.head;
  }

  /** Where an event id stands (guard and position), or null when it was never stored. */
  async locate(cloudEventId: string): Promise<EventLocation | null> {
    const guard = await this.guards.read(esdbEventIdOf(cloudEventId));
    if (!guard) return null;
    return {
      stream: guard.claim.stream,
      status: guard.kind,
      position: guard.kind === 'stored' ? guard.position : null,
      contentHash: guard.claim.contentHash,
      outbox: guard.claim.metadata.outbox === true,
    };
  }

  /** Whether the server answers (for readiness). */
  async ping(): Promise<boolean> {
    try {
      await this.log.readStream(this.names.outboxCheckpoint, { fromRevision: START, maxCount: 1 });
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.client.dispose();
  }

  /** Steps 1–5 of the class comment; the outcome of every record, in the batch's order. */
  private async appendBatch(records: readonly EventRecord[], outbox: boolean): Promise<AppendOutcome[]> {
    if (records.length === 0) return [];
    const prepared = records.map((record) => prepareEvent(record, this.names, { outbox }));
    const firstOf = new Map<string, PreparedEvent>();
    for (const event of prepared) if (!firstOf.has(event.cloudEventId)) firstOf.set(event.cloudEventId, event);
    const candidates = [...firstOf.values()];

    const standing = new Map<string, Standing>();
    const unsettled: [PreparedEvent, GuardState][] = [];
    const judge = (event: PreparedEvent, guard: GuardState): void => {
      if (guard.kind === 'stored')
        standing.set(event.cloudEventId, {
          position: guard.position,
          contentHash: guard.contentHash,
          appendedBy: null,
        });
      else unsettled.push([event, guard]);
    };

    const guards = await mapLimit(candidates, this.concurrency, (event) => this.guards.read(event.esdbEventId));
    const unclaimed = candidates.filter((event, i) => {
      const guard = guards[i];
      if (guard) judge(event, guard);
      return !guard;
    });
    if (unclaimed.length > 0) {
      for (const [id, stands] of await this.claimAndAppend(unclaimed, judge)) standing.set(id, stands);
    }

    const settled = await mapLimit(unsettled, this.concurrency, ([event, guard]) => this.guards.settle(event, guard));
    unsettled.forEach(([event], i) => standing.set(event.cloudEventId, settled[i]!));

    return prepared.map((event): AppendOutcome => {
      const stands = standing.get(event.cloudEventId)!;
      if (stands.appendedBy === event)
        return { eventId: event.cloudEventId, status: 'appended', position: stands.position };
      return {
        eventId: event.cloudEventId,
        status: event.contentHash === stands.contentHash ? 'duplicate' : 'conflict',
        position: stands.position,
      };
    });
  }

  /** Steps 3–5: claims the ids, appends the events whose claims this writer won, marks them stored. */
  private async claimAndAppend(
    unclaimed: readonly PreparedEvent[],
    judge: (event: PreparedEvent, guard: GuardState) => void,
  ): Promise<Map<string, Standing>> {
    const streams = [...new Set(unclaimed.map((event) => event.stream))];
    const ends = new Map(
      await mapLimit(
        streams,
        this.concurrency,
        async (stream) => [stream, await this.log.lastRevision(stream)] as const,
      ),
    );
    const claimedAt = this.now();
    const lost = await mapLimit(unclaimed, this.concurrency, (event) =>
      this.guards.claim(event, ends.get(event.stream) ?? null),
    );
    const mine = unclaimed.filter((event, i) => {
      const winner = lost[i];
      if (winner) judge(event, winner);
      return !winner;
    });
    const positions = await this.appender.appendInRuns(mine, claimedAt + this.claimLeaseMs / 2, this.now);
    await mapLimit(mine, this.concurrency, (event) =>
      this.guards.markStored(event.esdbEventId, 0n, positions.get(event.esdbEventId)!, event.contentHash),
    );
    return new Map(
      mine.map((event) => [
        event.cloudEventId,
        { position: positions.get(event.esdbEventId)!, contentHash: event.contentHash, appendedBy: event },
      ]),
    );
  }
}
