import { ANY, BACKWARDS, END, EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { ChargeEvent } from '@smartme/domain';
import { ChargeOutbox, PendingCharge, positiveInteger } from '@smartme/ports';
import { isOutboxEvent, metadataOf, recordedEventOf } from './esdb-event-mapping';
import { DEFAULT_PAGE_SIZE, EsdbLog } from './esdb-log';
import { EsdbStreamNames } from './esdb-names';
import { positionFromText, positionToText, storePositionOf } from './esdb-position';

export const OUTBOX_CHECKPOINT_EVENT = 'BillingOutboxCheckpoint';

export interface EsdbChargeOutboxOptions {
  /** The same prefix as the EsdbEventStore whose charges this publishes. */
  readonly streamPrefix?: string;
  readonly readPageSize?: number;
  /**
   * While nothing waits, the checkpoint still follows the scan (so a restart does not scan
   * the same quiet stretch of `$all` again), but is written at most this often.
   */
  readonly idleCheckpointMs?: number;
  readonly now?: () => number;
}

/**
 * The charge outbox on EventStoreDB: a checkpointed reader of the charges that
 * EsdbEventStore.appendCharges stored with metadata `outbox: true`.
 *
 * The checkpoint, a `$all` position, lives in the stream `billing-outbox-checkpoint` (its
 * last event; the stream keeps a few, `$maxCount`). It means: every queued charge at or
 * below it has been published. On start the outbox reads it, then scans `$all` forwards
 * from it for queued charges; they wait in memory, oldest first, until markPublished,
 * which moves the checkpoint past the longest published prefix and writes it. A crash
 * before that write publishes those charges again (at least once; invoicing dedupes on the
 * CloudEvent id). Later calls scan only what was appended since the previous scan.
 *
 * One publisher at a time: two processes with their own outbox would both publish every
 * charge (harmless, at least once, but wasteful); run the relay where the close runs.
 */
export class EsdbChargeOutbox implements ChargeOutbox {
  private readonly names: EsdbStreamNames;
  private readonly log: EsdbLog;
  private readonly idleCheckpointMs: number;
  private readonly now: () => number;
  private loaded = false;
  private checkpointStreamExists = false;
  /** Every queued charge at or below it is published (as last written). */
  private checkpoint = 0n;
  /** Every event at or below it has been looked at. */
  private scannedTo = 0n;
  private queue: PendingCharge[] = [];
  /** Ids marked published before the scan reached them. */
  private readonly publishedAhead = new Set<string>();
  private checkpointWrittenAt = Number.NEGATIVE_INFINITY;
  /** Calls run one at a time: the relay's rounds and backlog probes must not scan twice at once. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(client: EventStoreDBClient, options: EsdbChargeOutboxOptions = {}) {
    this.names = new EsdbStreamNames(options.streamPrefix);
    this.log = new EsdbLog(client, options.readPageSize ?? DEFAULT_PAGE_SIZE);
    this.idleCheckpointMs = options.idleCheckpointMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  async pending(limit: number): Promise<PendingCharge[]> {
    positiveInteger(limit, 'limit');
    return this.exclusive(async () => {
      await this.refresh();
      return this.queue.slice(0, limit);
    });
  }

  markPublished(chargeIds: readonly string[]): Promise<void> {
    if (chargeIds.length === 0) return Promise.resolve();
    return this.exclusive(async () => {
      await this.load();
      const marked = new Set(chargeIds);
      const before = this.queue;
      this.queue = before.filter((charge) => !marked.delete(charge.event.id));
      for (const id of marked) this.publishedAhead.add(id);
      // The checkpoint may pass every published charge that sits below the oldest one still waiting.
      const oldestWaiting = this.queue[0]?.position;
      let checkpoint = this.checkpoint;
      if (oldestWaiting === undefined) checkpoint = this.scannedTo;
      else
        for (const charge of before)
          if (charge.position < oldestWaiting && charge.position > checkpoint) checkpoint = charge.position;
      if (checkpoint > this.checkpoint) await this.writeCheckpoint(checkpoint);
    });
  }

  backlog(): Promise<number> {
    return this.exclusive(async () => {
      await this.refresh();
      return this.queue.length;
    });
  }

  /** The checkpoint as last written (for diagnostics and tests). */
  async publishedCheckpoint(): Promise<bigint> {
    return this.exclusive(async () => {
      await this.load();
      return this.checkpoint;
    });
  }

  private async refresh(): Promise<void> {
    await this.load();
    for await (const page of this.log.forward(this.scannedTo)) {
      for (const event of page) {
        if (!isOutboxEvent(event, this.names)) continue;
        const id = metadataOf(event).cloudEventId;
        if (this.publishedAhead.delete(id)) continue;
        const position = storePositionOf(event.position, `charge ${event.revision}@${event.streamId}`);
        this.queue.push({ position, event: recordedEventOf(event, position, this.names)!.event as ChargeEvent });
      }
      this.scannedTo = page[page.length - 1]!.position.commit;
    }
    if (
      this.queue.length === 0 &&
      this.scannedTo > this.checkpoint &&
      this.now() - this.checkpointWrittenAt >= this.idleCheckpointMs
    ) {
      await this.writeCheckpoint(this.scannedTo);
    }
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    const stream = this.names.outboxCheckpoint;
    const [last] = (await this.log.readStream(stream, { fromRevision: END, maxCount: 1, direction: BACKWARDS })) ?? [];
    this.checkpointStreamExists = last !== undefined;
    if (last)
      this.checkpoint = positionFromText(
        (last.data as { position?: unknown } | null)?.position,
        `${stream} revision ${last.revision}`,
      );
    this.scannedTo = this.checkpoint;
    this.loaded = true;
  }

  private async writeCheckpoint(position: bigint): Promise<void> {
    const stream = this.names.outboxCheckpoint;
    if (!this.checkpointStreamExists) {
      await this.log.client.setStreamMetadata(stream, { maxCount: 16 });
      this.checkpointStreamExists = true;
    }
    await this.log.client.appendToStream(
      stream,
      jsonEvent({ type: OUTBOX_CHECKPOINT_EVENT, data: { position: positionToText(position) } }),
      {
        expectedRevision: ANY,
      },
    );
    this.checkpoint = position;
    this.checkpointWrittenAt = this.now();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => undefined);
    return result;
  }
}
