import { StoredEvent, StoredEventType, isChargeEvent } from '@smartme/domain';
import { positiveInteger } from './positive-integer';

/** An event to store: the domain event and the CloudEvent `source` it came from. */
export interface EventRecord {
  readonly event: StoredEvent;
  readonly source: string;
}

/** An event as stored, at its global position (ascending, gap-tolerant). */
export interface RecordedEvent extends EventRecord {
  readonly position: bigint;
}

/**
 * What appending one event did. The event id is the idempotency key, forever:
 * - `appended`: stored now;
 * - `duplicate`: the same id with the same content was stored before (nothing changes);
 * - `conflict`: the same id with different content was stored before; the first stands.
 * `position` is where the stored event (the new one, or the first one) lives.
 */
export interface AppendOutcome {
  readonly eventId: string;
  readonly status: 'appended' | 'duplicate' | 'conflict';
  readonly position: bigint;
}

export interface ReadAllOptions {
  /** Read events after this position (exclusive); 0n reads from the start. */
  readonly after: bigint;
  readonly batchSize?: number;
}

export interface ReadOrganisationOptions {
  /** Read events stored before this position (exclusive). */
  readonly before: bigint;
  /** Only events of these types. */
  readonly types?: readonly StoredEventType[];
  readonly batchSize?: number;
}

/**
 * One of `count` disjoint shares of the organisations: every organisation, with all its
 * events (input events billed to it and charges issued to it), falls in exactly one share,
 * always the same for a given `count`. The store chooses how organisations are spread.
 * Lets a reader fold the stream one share at a time, with memory bounded by the share.
 */
export interface OrganisationPartition {
  readonly index: number;
  readonly count: number;
}

export function assertPartition(partition: OrganisationPartition): void {
  const { index, count } = partition;
  positiveInteger(count, 'partition.count');
  if (!Number.isSafeInteger(index) || index < 0 || index >= count)
    throw new RangeError(`partition.index must be an integer in [0, ${count}), got ${index}`);
}

/**
 * The event store: the single source of truth. Appends are batched (one round trip per
 * batch) and idempotent by event id; readers follow the global position without ever
 * skipping an event whose transaction committed late.
 */
export interface EventStore {
  append(records: readonly EventRecord[]): Promise<AppendOutcome[]>;
  /**
   * Appends charge events and, in the same transaction, their outbox entries for
   * publication to invoicing: a charge is stored and queued together or not at all.
   */
  appendCharges(records: readonly EventRecord[]): Promise<AppendOutcome[]>;
  readAll(options: ReadAllOptions): AsyncIterable<readonly RecordedEvent[]>;
  /**
   * Every event of one partition of the organisations at or below `upTo`, in batches of
   * at most `batchSize`, in no particular order: for folds that do not depend on the
   * order (the domain's evolver places events by event time), which lets the store scan
   * instead of sorting.
   */
  readPartition(
    partition: OrganisationPartition,
    upTo: bigint,
    batchSize?: number,
  ): AsyncIterable<readonly RecordedEvent[]>;
  /**
   * One organisation's events (input events billed to it, charges issued to it) stored
   * before `options.before`, of `options.types` only when given, in batches, in no
   * particular order (a store may go type by type): a lookup by organisation, whatever the
   * size of the store (explain reads one organisation's history and folds it).
   */
  readOrganisation(orgId: string, options: ReadOrganisationOptions): AsyncIterable<readonly RecordedEvent[]>;
  /** The position of the last readable event (0n when empty). */
  headPosition(): Promise<bigint>;
  /**
   * How many events at or below `upTo` a fold keeps something of, one by one: every event
   * but verifications, which only move a day counter (ID lifecycles, contract
   * applications and charges are held until the fold ends). Sizes a replay's partitions.
   * A store may answer more than that (the number of events, say), never less.
   */
  retainedEventCount(upTo: bigint): Promise<number>;
}

/** `appendCharges` takes charge events only (anything else belongs in `append`). */
export function assertChargeRecords(records: readonly EventRecord[]): void {
  const other = records.find((record) => !isChargeEvent(record.event));
  if (other) throw new TypeError(`appendCharges takes charge events only, got ${other.event.type} ${other.event.id}`);
}
