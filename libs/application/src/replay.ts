import { evolve, initialBillingState, isChargeEvent } from '@smartme/domain';
import {
  EventStore,
  ExclusiveLock,
  IssuedChargeEvent,
  OrganisationPartition,
  ProjectionStore,
  RebuiltPartition,
  ReplacementReport,
  positiveInteger,
} from '@smartme/ports';
import { CLOSE_LOCK } from './close-lock';

export interface ReplayProgress {
  /** Events folded so far, across partitions. */
  readonly events: number;
  /** The position the replay rebuilds up to: an upper bound of the number of events. */
  readonly head: bigint;
  readonly partition: OrganisationPartition;
}

export interface ReplayReport extends ReplacementReport {
  readonly events: number;
  readonly position: bigint;
  readonly partitions: number;
}

export interface ReplayOptions {
  readonly onProgress?: (progress: ReplayProgress) => void;
  /**
   * About how many events one partition of organisations should hold in memory: the
   * stream is folded one partition at a time, so this bounds the replay's memory (an
   * organisation is never split, so the largest one sets the floor). Verifications are
   * not counted: they only move a day counter, while every ID lifecycle event, contract
   * application and charge is kept until its partition is reconciled.
   */
  readonly eventsPerPartition?: number;
}

export const DEFAULT_EVENTS_PER_PARTITION = 100_000;

/**
 * Rebuilds every projection from the event store. The organisations are split into
 * partitions by the store; each is folded in memory by the domain's evolver (no SQL per
 * event) and reconciled with the projections before the next is read, so memory is
 * bounded by a partition, not by the store. The whole replacement is one transaction
 * that reports whether the projections held what the stream says. A replay issues nothing.
 */
export class Replay {
  constructor(
    private readonly events: EventStore,
    private readonly projections: ProjectionStore,
    private readonly lock: ExclusiveLock,
  ) {}

  async run(options: ReplayOptions = {}): Promise<ReplayReport> {
    const { onProgress, eventsPerPartition = DEFAULT_EVENTS_PER_PARTITION } = options;
    positiveInteger(eventsPerPartition, 'eventsPerPartition');
    return this.lock.runExclusive(CLOSE_LOCK, async () => {
      const head = await this.events.headPosition();
      // Each partition is a read of the whole stream: no more of them than memory asks for.
      const count = Math.max(1, Math.ceil((await this.events.retainedEventCount(head)) / eventsPerPartition));
      const progress = { events: 0 };
      const report = await this.projections.replace(head, this.partitions(count, head, progress, onProgress));
      return { ...report, events: progress.events, position: head, partitions: count };
    });
  }

  /** Folded one after the other, as the projection store asks for them: one in memory at a time. */
  private async *partitions(
    count: number,
    head: bigint,
    progress: { events: number },
    onProgress?: (progress: ReplayProgress) => void,
  ): AsyncGenerator<RebuiltPartition> {
    for (let index = 0; index < count; index++) yield await this.fold({ index, count }, head, progress, onProgress);
  }

  private async fold(
    partition: OrganisationPartition,
    head: bigint,
    progress: { events: number },
    onProgress?: (progress: ReplayProgress) => void,
  ): Promise<RebuiltPartition> {
    const state = initialBillingState({ deduplicate: false });
    const charges: IssuedChargeEvent[] = [];
    // The evolver folds any order of the events to the same state, so the store may scan.
    for await (const batch of this.events.readPartition(partition, head, 10_000)) {
      for (const record of batch) {
        evolve(state, record.event);
        if (isChargeEvent(record.event)) charges.push({ position: record.position, event: record.event });
      }
      progress.events += batch.length;
      onProgress?.({ events: progress.events, head, partition });
    }
    return { state, charges };
  }
}
