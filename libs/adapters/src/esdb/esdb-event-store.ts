import {
  ANY,
  AppendExpectedRevision,
  AppendResult,
  EventData,
  EventStoreDBClient,
  NO_STREAM,
  START,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  AppendOutcome,
  EventRecord,
  EventStore,
  OrganisationPartition,
  ReadAllOptions,
  RecordedEvent,
  assertPartition,
} from '@smartme/ports';
import { EsdbConnectionSettings } from './esdb-connection';
import { CHARGE_TYPES, eventDataOf, PreparedEvent, prepareEvent, recordedEventOf } from './esdb-event-mapping';
import { claimedEvent, claimEventOf, GuardState, guardStateOf, reclaimEventOf, storedEventOf } from './esdb-guard';
import { DEFAULT_PAGE_SIZE, EsdbLog } from './esdb-log';
import { esdbEventIdOf, EsdbStreamNames, streamPartition } from './esdb-names';
import { organisationOf } from '../sql/sql-event-store';
import { assertPosition, storePositionOf } from './esdb-position';

export const DEFAULT_READ_BATCH_SIZE = 5000;

/** Largest append per call: ESDB refuses appends over 1 MiB by default (MaxAppendSize). */
const MAX_EVENTS_PER_APPEND = 500;
const MAX_BYTES_PER_APPEND = 512 * 1024;

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

/** An append could not be finished now (another writer holds the id, or it ran out of time): retry it. */
export class EsdbAppendInterruptedError extends Error {
  override name = 'EsdbAppendInterruptedError';
}

/** What stands for an event id after the append: where, with which content, and whether this call stored it. */
interface Standing {
  readonly position: bigint;
  readonly contentHash: string;
  readonly appendedBy: PreparedEvent | null;
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
 * The last is what this does (esdb-guard.ts has the guard's events). Per new event that is
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
  private readonly concurrency: number;
  private readonly claimLeaseMs: number;
  private readonly claimWaitMs: number;
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
    this.claimWaitMs = positiveInteger(options.claimWaitMs ?? 10_000, 'claimWaitMs');
    this.now = options.now ?? Date.now;
  }

  /** A store on a new client for a checked connection string (esdbConnectionFromEnv). */
  static open(settings: EsdbConnectionSettings, options?: EsdbEventStoreOptions): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(settings.connectionString), options);
  }

  append(records: readonly EventRecord[]): Promise<AppendOutcome[]> {
    return this.appendBatch(records, false);
  }

  appendCharges(records: readonly EventRecord[]): Promise<AppendOutcome[]> {
    const notCharge = records.find((record) => !CHARGE_TYPES.has(record.event.type));
    if (notCharge) {
      return Promise.reject(
        new TypeError(`appendCharges takes charge events only, got ${notCharge.event.type} ${notCharge.event.id}`),
      );
    }
    return this.appendBatch(records, true);
  }

  async *readAll(options: ReadAllOptions): AsyncGenerator<readonly RecordedEvent[], void, undefined> {
    const batchSize = options.batchSize ?? DEFAULT_READ_BATCH_SIZE;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
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

  /**
   * One read of `$all` through (the client counts nothing on the server): a replay reads
   * it once per partition anyway. Positions are commit positions in the log, bytes rather
   * than events, so they cannot stand in for a count.
   */
  async retainedEventCount(upTo: bigint): Promise<number> {
    let count = 0;
    for await (const page of this.readAll({ after: 0n })) {
      for (const record of page) if (record.position <= upTo && record.event.type !== 'CredentialVerified') count++;
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
    const guard = await this.readGuard(esdbEventIdOf(cloudEventId));
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

    const guards = await mapLimit(candidates, this.concurrency, (event) => this.readGuard(event.esdbEventId));
    const unclaimed = candidates.filter((event, i) => {
      const guard = guards[i];
      if (guard) judge(event, guard);
      return !guard;
    });

    if (unclaimed.length > 0) {
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
        this.claim(event, ends.get(event.stream) ?? null),
      );
      const mine = unclaimed.filter((event, i) => {
        const winner = lost[i];
        if (winner) judge(event, winner);
        return !winner;
      });
      const positions = await this.appendInRuns(mine, claimedAt);
      for (const event of mine)
        standing.set(event.cloudEventId, {
          position: positions.get(event.esdbEventId)!,
          contentHash: event.contentHash,
          appendedBy: event,
        });
      await mapLimit(mine, this.concurrency, (event) =>
        this.markStored(event.esdbEventId, 0n, positions.get(event.esdbEventId)!, event.contentHash),
      );
    }

    const settled = await mapLimit(unsettled, this.concurrency, ([event, guard]) => this.settle(event, guard));
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

  private async readGuard(esdbEventId: string): Promise<GuardState | null> {
    const stream = this.names.guard(esdbEventId);
    const events = await this.log.readStream(stream, { fromRevision: START, maxCount: 64 });
    return guardStateOf(events ?? [], stream);
  }

  /** Claims an id; null when claimed, else the guard of whoever claimed it first. */
  private async claim(event: PreparedEvent, searchFrom: bigint | null): Promise<GuardState | null> {
    const written = await this.appendExpecting(
      this.names.guard(event.esdbEventId),
      [claimEventOf(event, searchFrom)],
      NO_STREAM,
    );
    if (written) return null;
    const winner = await this.readGuard(event.esdbEventId);
    if (!winner) throw new Error(`the guard of ${event.cloudEventId} exists and cannot be read`);
    return winner;
  }

  /**
   * Appends claimed events in batch order: a run of consecutive events of one organisation is
   * one append (split at ESDB's append size limit), then read back for its positions.
   */
  private async appendInRuns(events: readonly PreparedEvent[], claimedAt: number): Promise<Map<string, bigint>> {
    const positions = new Map<string, bigint>();
    for (const run of runsOf(events)) {
      if (this.now() - claimedAt > this.claimLeaseMs / 2) {
        throw new EsdbAppendInterruptedError(
          `appending ${run.length} events to ${run[0]!.stream} would start too late after their claims; retry the batch`,
        );
      }
      const stream = run[0]!.stream;
      const result = await this.client.appendToStream(stream, run.map(eventDataOf), {
        expectedRevision: ANY,
        deadline: this.appendDeadlineMs(),
      });
      if (!result.success) throw new Error(`append to ${stream} failed`);
      const found = await this.readBack(
        stream,
        result.nextExpectedRevision - BigInt(run.length - 1),
        run.map((event) => event.esdbEventId),
      );
      for (const [id, position] of found) positions.set(id, position);
    }
    return positions;
  }

  /** The positions of events just appended at `fromRevision`…, checking they are the ones expected. */
  private async readBack(stream: string, fromRevision: bigint, ids: readonly string[]): Promise<Map<string, bigint>> {
    const events = (await this.log.readStream(stream, { fromRevision, maxCount: ids.length })) ?? [];
    if (events.length !== ids.length || events.some((event, i) => event.id !== ids[i])) {
      throw new Error(`${stream}: the events at revision ${fromRevision}… are not the ones just appended`);
    }
    return new Map(
      events.map((event) => [event.id, storePositionOf(event.position, `event ${event.revision}@${stream}`)]),
    );
  }

  /** Marks a guard stored; if someone else finished it first, theirs stands. */
  private async markStored(
    esdbEventId: string,
    expectedRevision: bigint,
    position: bigint,
    contentHash: string,
  ): Promise<bigint> {
    const written = await this.appendExpecting(
      this.names.guard(esdbEventId),
      [storedEventOf(position, contentHash)],
      expectedRevision,
    );
    if (written) return position;
    const guard = await this.readGuard(esdbEventId);
    if (guard?.kind !== 'stored')
      throw new Error(`the guard of event ${esdbEventId} changed under its writer and is not stored`);
    return guard.position;
  }

  /**
   * Settles an id whose guard was claimed but not marked stored: waits while the claim is
   * fresh (its writer may be appending), then takes it over and finishes it.
   */
  private async settle(event: PreparedEvent, initial: GuardState): Promise<Standing> {
    const started = this.now();
    let guard: GuardState | null = initial;
    for (;;) {
      if (!guard) throw new Error(`the guard of ${event.cloudEventId} disappeared`);
      if (guard.kind === 'stored')
        return { position: guard.position, contentHash: guard.contentHash, appendedBy: null };
      const age = this.now() - guard.since.getTime();
      if (age < this.claimLeaseMs) {
        if (this.now() - started >= this.claimWaitMs) {
          throw new EsdbAppendInterruptedError(
            `event ${event.cloudEventId} is being appended by another writer (claimed ${age} ms ago); retry`,
          );
        }
        await sleep(Math.min(200, this.claimLeaseMs - age));
        guard = await this.readGuard(event.esdbEventId);
        continue;
      }
      const guardStream = this.names.guard(event.esdbEventId);
      const takenOver = await this.appendExpecting(guardStream, [reclaimEventOf()], guard.lastRevision);
      if (!takenOver) {
        guard = await this.readGuard(event.esdbEventId);
        continue;
      }
      const { claim } = guard;
      const found = await this.findInStream(claim.stream, claim.searchFrom, event.esdbEventId);
      let position = found;
      if (position === null) {
        const result = await this.client.appendToStream(
          claim.stream,
          eventDataOf({ esdbEventId: event.esdbEventId, ...claimedEvent(claim) }),
          {
            expectedRevision: ANY,
            deadline: this.appendDeadlineMs(),
          },
        );
        const [stored] = (await this.readBack(claim.stream, result.nextExpectedRevision, [event.esdbEventId])).values();
        position = stored!;
      }
      position = await this.markStored(event.esdbEventId, guard.lastRevision + 1n, position, claim.contentHash);
      const appendedNow = found === null && event.contentHash === claim.contentHash;
      return { position, contentHash: claim.contentHash, appendedBy: appendedNow ? event : null };
    }
  }

  /** The position of an event in a stream after a revision, or null. */
  private async findInStream(stream: string, after: bigint | null, esdbEventId: string): Promise<bigint | null> {
    let from = after === null ? 0n : after + 1n;
    for (;;) {
      const events = await this.log.readStream(stream, { fromRevision: from, maxCount: this.log.pageSize });
      if (!events) return null;
      const match = events.find((event) => event.id === esdbEventId);
      if (match) return storePositionOf(match.position, `event ${match.revision}@${stream}`);
      if (events.length < this.log.pageSize) return null;
      from = events[events.length - 1]!.revision + 1n;
    }
  }

  /** Appends with an expected revision: false when the stream is not at that revision. */
  private async appendExpecting(
    stream: string,
    events: EventData[],
    expectedRevision: AppendExpectedRevision,
  ): Promise<boolean> {
    let result: AppendResult;
    try {
      result = await this.client.appendToStream(stream, events, { expectedRevision });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return false;
      throw error;
    }
    // With throwOnAppendFailure=false in the connection string, a wrong revision comes back as success: false.
    return result.success;
  }

  private appendDeadlineMs(): number {
    return Math.max(1_000, Math.min(10_000, Math.floor(this.claimLeaseMs / 4)));
  }
}

/** Consecutive events of one stream, split at the append size limit. */
export function runsOf<T extends { readonly stream: string; readonly data: unknown; readonly metadata: unknown }>(
  events: readonly T[],
): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let bytes = 0;
  for (const event of events) {
    const size =
      Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata)) + 200;
    if (
      run.length > 0 &&
      (run[0]!.stream !== event.stream || run.length >= MAX_EVENTS_PER_APPEND || bytes + size > MAX_BYTES_PER_APPEND)
    ) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(event);
    bytes += size;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Maps with at most `limit` calls in flight, results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
