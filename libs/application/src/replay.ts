import { evolve, initialBillingState } from '@smartme/domain';
import { EventStore, ExclusiveLock, IssuedChargeEvent, ProjectionStore, ReplacementReport } from '@smartme/ports';

export interface ReplayProgress {
  readonly events: number;
  readonly position: bigint;
  readonly head: bigint;
}

export interface ReplayReport extends ReplacementReport {
  readonly events: number;
  readonly position: bigint;
}

/**
 * Rebuilds every projection from the event store: the whole stream is folded in memory
 * by the domain's evolver (no SQL per event), then the result replaces the projections in
 * one transaction, reporting whether it equals what they held. A replay issues nothing.
 */
export class Replay {
  constructor(
    private readonly events: EventStore,
    private readonly projections: ProjectionStore,
    private readonly lock: ExclusiveLock,
  ) {}

  run(onProgress?: (progress: ReplayProgress) => void): Promise<ReplayReport> {
    return this.lock.runExclusive('close', async () => {
      const head = await this.events.headPosition();
      const state = initialBillingState({ deduplicate: false });
      const charges: IssuedChargeEvent[] = [];
      let position = 0n;
      let count = 0;
      for await (const batch of this.events.readAll({ after: 0n, batchSize: 10_000 })) {
        for (const record of batch) {
          if (record.position > head) break;
          evolve(state, record.event);
          if (record.event.type === 'ChargeIssued' || record.event.type === 'ChargeAdjusted') charges.push({ position: record.position, event: record.event });
          position = record.position;
          count++;
        }
        onProgress?.({ events: count, position, head });
        if (position >= head) break;
      }
      const report = await this.projections.replace(state, position, charges);
      return { ...report, events: count, position };
    });
  }
}
