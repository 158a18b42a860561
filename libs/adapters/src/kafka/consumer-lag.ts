/** How far one partition's consumer is behind its log: what `/metrics` and the logs show. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  /** The next offset to process: the committed one, or the first of the batch in hand. */
  readonly nextOffset: string;
  readonly lag: number;
}

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  highWatermark: bigint;
  next: bigint;
}

/**
 * Lag as the consumer last saw it, kept from the batches it fetches and the offsets it
 * commits, so reading it costs no broker round trip. A partition that goes quiet keeps its
 * last value, which is right: nothing arrives there, so nothing is behind.
 */
export class LagTracker {
  private readonly partitions = new Map<string, PartitionState>();

  /** A fetched batch: the log end it reported, and where processing stands. */
  observeBatch(topic: string, partition: number, highWatermark: string, firstOffset: string): void {
    const state = this.partitions.get(keyOf(topic, partition));
    if (state === undefined) {
      this.partitions.set(keyOf(topic, partition), {
        topic,
        partition,
        highWatermark: BigInt(highWatermark),
        next: BigInt(firstOffset),
      });
    } else {
      state.highWatermark = BigInt(highWatermark);
    }
  }

  committed(topic: string, partition: number, nextOffset: string): void {
    const state = this.partitions.get(keyOf(topic, partition));
    if (state !== undefined) state.next = BigInt(nextOffset);
  }

  /** After a rebalance: partitions now consumed elsewhere are another member's lag. */
  retainOnly(assignment: Readonly<Record<string, readonly number[]>>): void {
    for (const [key, state] of this.partitions) {
      if (!(assignment[state.topic] ?? []).includes(state.partition)) this.partitions.delete(key);
    }
  }

  snapshot(): PartitionLag[] {
    return [...this.partitions.values()]
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
      .map((state) => ({
        topic: state.topic,
        partition: state.partition,
        highWatermark: state.highWatermark.toString(),
        nextOffset: state.next.toString(),
        lag: Math.max(0, Number(state.highWatermark - state.next)),
      }));
  }

  total(): number {
    return this.snapshot().reduce((sum, partition) => sum + partition.lag, 0);
  }
}

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
