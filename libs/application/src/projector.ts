import { EventStore, ProjectionStore } from '@smartme/ports';

export interface CatchUpProgress {
  readonly position: bigint;
  readonly head: bigint;
  readonly applied: number;
}

/**
 * Brings the projections up to the head of the event store, batch by batch; each batch
 * is committed with the checkpoint, so stopping at any point loses nothing and a restart
 * counts nothing twice.
 */
export class Projector {
  constructor(
    private readonly events: EventStore,
    private readonly projections: ProjectionStore,
    private readonly batchSize = 5000,
  ) {}

  /**
   * Keeps catching up while `active()` holds (an ingest is appending, the service runs),
   * so projecting overlaps with appending instead of waiting for it; ends caught up.
   */
  async follow(
    active: () => boolean,
    onProgress?: (progress: CatchUpProgress) => void,
    idleMs = 50,
  ): Promise<CatchUpProgress> {
    for (;;) {
      const running = active();
      const progress = await this.catchUp(onProgress);
      if (!running) return progress;
      if (progress.applied === 0) await new Promise((resolve) => setTimeout(resolve, idleMs));
    }
  }

  async catchUp(onProgress?: (progress: CatchUpProgress) => void): Promise<CatchUpProgress> {
    const head = await this.events.headPosition();
    let position = await this.projections.checkpoint();
    let applied = 0;
    for await (const batch of this.events.readAll({ after: position, batchSize: this.batchSize })) {
      await this.projections.apply(batch);
      position = batch[batch.length - 1]!.position;
      applied += batch.length;
      // Appends may go on while catching up: the head read at the start is only a floor.
      onProgress?.({ position, head: position > head ? position : head, applied });
    }
    return { position, head, applied };
  }
}
