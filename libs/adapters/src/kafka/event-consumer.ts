import { Consumer, EachBatchPayload, Kafka, KafkaMessage, RetryOptions } from 'kafkajs';
import { InputOutcome, RawInput, StoreStep } from '@smartme/application';
import { positiveInteger } from '@smartme/ports';
import { LagTracker, PartitionLag } from './consumer-lag';
import { RejectedMessage, RejectedMessageSink } from './kafka-dead-letter-publisher';
import { KafkaConfig } from './kafka-config';
import { KafkaLogger } from './kafka-logger';
import { kafkaSource, toRawInput } from './message-input';

/**
 * What the consumer hands its messages to: `Ingestion.prepareBatch`, in the service. It
 * validates a chunk and gives back the step that stores it, so that the next chunk is
 * validated while the database stores the last one.
 */
export type IngestHandler = (inputs: readonly RawInput[]) => Promise<StoreStep>;

export interface KafkaEventConsumerOptions {
  readonly kafka: Kafka;
  readonly config: Pick<KafkaConfig, 'groupId' | 'topics'>;
  readonly handler: IngestHandler;
  readonly deadLetters: RejectedMessageSink;
  readonly logger: KafkaLogger;
  /** Messages per handler call (and per commit): bounds memory and the store's batch size. */
  readonly chunkSize?: number;
  /**
   * How kafkajs retries a failing batch before it restarts the consumer (which then retries
   * from the last committed offset, forever: see CONSUMER_RETRY).
   */
  readonly retry?: RetryOptions;
  readonly sessionTimeout?: number;
  readonly heartbeatInterval?: number;
  readonly maxBytesPerPartition?: number;
  readonly partitionsConsumedConcurrently?: number;
  /** How often progress (messages, batch sizes, lag) is logged; 0 logs every batch. */
  readonly progressLogIntervalMs?: number;
  /** The consumer's own restarts when kafkajs gives up: first delay, doubled up to the longest. */
  readonly restartBackoff?: { readonly initialMs: number; readonly maxMs: number };
}

export const DEFAULT_CHUNK_SIZE = 2000;

/**
 * A partition's share of one fetch: 8 MiB, about 30,000 events, where kafkajs's 1 MiB held
 * under two chunks. Each batch begins with a wait for the fetch and a chunk validated
 * before anything can be stored, and ends with a commit; over sixteen chunks instead of
 * two, that fixed cost was a fifth of the consumer's time. (A fetch stays within kafkajs's
 * 10 MiB `maxBytes`.)
 */
export const DEFAULT_MAX_BYTES_PER_PARTITION = 8 * 1024 * 1024;

/**
 * A store outage makes every batch fail; kafkajs retries it in place with backoff, then
 * "crashes" the consumer and restarts it (rejoining the group, re-reading from the committed
 * offset) after `initialRetryTime`. restartOnFailure in the consumer always says yes, so an
 * outage delays ingestion however long it lasts and loses nothing.
 */
export const CONSUMER_RETRY: RetryOptions = { initialRetryTime: 1_000, maxRetryTime: 30_000, retries: 8 };

/**
 * kafkajs does not restart a consumer after an error it deems not retriable, some of which
 * pass (a broker just started has no group coordinator yet): the consumer then starts again
 * itself, with backoff, for as long as the service runs. Not ready in the meantime.
 */
export const RESTART_BACKOFF = { initialMs: 1_000, maxMs: 30_000 };

export type ConsumerState = 'idle' | 'running' | 'crashed' | 'stopped';

export interface ConsumerCounts {
  accepted: number;
  duplicates: number;
  rejected: number;
}

/**
 * Consumes the identity and contract topics into the event store. An offset is committed
 * only after ingestion made the events durable and rejected ones are on the dead-letter
 * topic (interfaces.md §1): a crash in between redelivers them, and the idempotent append
 * (by event id) and dead-letter store (by source and bytes) make that harmless.
 */
export class KafkaEventConsumer {
  private consumer: Consumer | null = null;
  private readonly lag = new LagTracker();
  private readonly totals: ConsumerCounts = { accepted: 0, duplicates: 0, rejected: 0 };
  private currentState: ConsumerState = 'idle';
  private running: Promise<void> = Promise.resolve();
  private readonly chunkSize: number;
  private readonly progress = { since: Date.now(), batches: 0, messages: 0, largestBatch: 0 };
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  private nextRestartMs: number;

  constructor(private readonly options: KafkaEventConsumerOptions) {
    this.chunkSize = positiveInteger(options.chunkSize ?? DEFAULT_CHUNK_SIZE, 'chunkSize');
    this.backoff = options.restartBackoff ?? RESTART_BACKOFF;
    this.nextRestartMs = this.backoff.initialMs;
  }

  /** Messages handled and committed so far (accepted, duplicates and rejected). */
  get processed(): number {
    return this.totals.accepted + this.totals.duplicates + this.totals.rejected;
  }

  get counts(): Readonly<ConsumerCounts> {
    return { ...this.totals };
  }

  /** `crashed`: kafkajs gave up (a non-retriable error) and the consumer waits to start again; not ready. */
  get state(): ConsumerState {
    return this.currentState;
  }

  lagSnapshot(): PartitionLag[] {
    return this.lag.snapshot();
  }

  /**
   * Connects and subscribes, then leaves the group join to run in the background: after a
   * crash the join waits for the dead member's session to expire, and nothing else (HTTP,
   * readiness) should wait with it. Consumption starts once the group has formed.
   */
  async start(): Promise<void> {
    if (this.consumer !== null) throw new Error('the Kafka event consumer is already started');
    this.stopping = false;
    const { kafka, config, logger } = this.options;
    const topics = [config.topics.identity, config.topics.contracts];
    const consumer = kafka.consumer({
      groupId: config.groupId,
      retry: { ...CONSUMER_RETRY, ...this.options.retry, restartOnFailure: (error) => this.onFailure(error) },
      allowAutoTopicCreation: false,
      ...(this.options.sessionTimeout !== undefined ? { sessionTimeout: this.options.sessionTimeout } : {}),
      ...(this.options.heartbeatInterval !== undefined ? { heartbeatInterval: this.options.heartbeatInterval } : {}),
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? DEFAULT_MAX_BYTES_PER_PARTITION,
    });
    this.consumer = consumer;
    this.observe(consumer);
    try {
      await consumer.connect();
      // From the beginning for a new group: billing must see every event ever produced.
      await consumer.subscribe({ topics, fromBeginning: true });
    } catch (error) {
      // Leave nothing half-started behind, so that the caller can simply start() again.
      this.consumer = null;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    this.running = consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => this.onBatch(payload),
      })
      .then(
        () => {
          if (this.consumer === consumer) this.currentState = 'running';
        },
        (error: unknown) => {
          logger.error({ group: config.groupId, err: errorMessage(error) }, 'kafka consumer could not start');
          if (this.consumer !== consumer) return;
          this.currentState = 'crashed';
          this.scheduleRestart();
        },
      );
    logger.info({ group: config.groupId, topics, chunkSize: this.chunkSize }, 'kafka consumer joining its group');
  }

  /** Resolves once the group has formed and consumption runs (or starting it failed). */
  async joined(): Promise<void> {
    await this.running;
  }

  /** Finishes the chunk in hand, commits it, and leaves the group (the others take over at once). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const consumer = this.consumer;
    if (consumer === null) {
      if (this.currentState === 'crashed') this.currentState = 'stopped';
      return;
    }
    this.consumer = null;
    await consumer.disconnect();
    await this.running;
    this.currentState = 'stopped';
    this.options.logger.info(
      { group: this.options.config.groupId, ...this.counts, lag: this.lag.total() },
      'kafka consumer stopped',
    );
  }

  private observe(consumer: Consumer): void {
    const group = this.options.config.groupId;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.nextRestartMs = this.backoff.initialMs;
      this.lag.retainOnly(payload.memberAssignment);
      this.options.logger.info(
        { group, memberId: payload.memberId, assignment: payload.memberAssignment },
        'kafka consumer joined the group',
      );
    });
    consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
      for (const { topic, partitions } of payload.topics) {
        for (const { partition, offset } of partitions) this.lag.committed(topic, Number(partition), offset);
      }
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.options.logger.error(
        { group, err: payload.error.message, restart: payload.restart },
        'kafka consumer crashed',
      );
      if (payload.restart || this.consumer !== consumer) return;
      this.currentState = 'crashed';
      this.scheduleRestart();
    });
  }

  private scheduleRestart(): void {
    if (this.stopping || this.restartTimer !== null) return;
    const delay = this.nextRestartMs;
    this.nextRestartMs = Math.min(delay * 2, this.backoff.maxMs);
    this.options.logger.warn(
      { group: this.options.config.groupId, inMs: delay },
      'kafka consumer starts again; uncommitted messages will be redelivered',
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.restart();
    }, delay);
  }

  private async restart(): Promise<void> {
    const crashed = this.consumer;
    this.consumer = null;
    await crashed?.disconnect().catch(() => undefined);
    if (this.stopping) return;
    try {
      await this.start();
    } catch (error) {
      this.currentState = 'crashed';
      this.options.logger.error(
        { group: this.options.config.groupId, err: errorMessage(error) },
        'kafka consumer could not connect',
      );
      this.scheduleRestart();
    }
  }

  private onFailure(error: Error): Promise<boolean> {
    this.options.logger.warn(
      { group: this.options.config.groupId, err: error.message },
      'kafka consumer restarts after repeated failures; uncommitted messages will be redelivered',
    );
    return Promise.resolve(true);
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const first = batch.messages[0];
    if (first === undefined) return;
    this.lag.observeBatch(batch.topic, batch.partition, batch.highWatermark, first.offset);
    const chunks: Chunk[] = [];
    for (let start = 0; start < batch.messages.length; start += this.chunkSize) {
      const messages = batch.messages.slice(start, start + this.chunkSize);
      chunks.push({ messages, inputs: messages.map((message) => toRawInput(batch.topic, batch.partition, message)) });
    }
    let prepared = this.prepare(chunks[0]!);
    let committing: Promise<void> = Promise.resolve();
    for (let i = 0; i < chunks.length; i++) {
      // After a rebalance or a seek the rest of the batch is not ours to commit; it is
      // fetched again by whoever owns the partition now, from the last commit.
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = chunks[i]!;
      const storing = this.ingest(batch.topic, batch.partition, chunk, await prepared);
      // Stored one after the other, in offset order; the next is validated meanwhile.
      if (i + 1 < chunks.length) prepared = this.prepare(chunks[i + 1]!);
      await storing;
      payload.resolveOffset(chunk.messages[chunk.messages.length - 1]!.offset);
      // One commit in flight at a time, overlapping the next chunk's store: it carries only
      // offsets already durable. Without autoCommit, commitOffsetsIfNecessary() alone never
      // commits: pass the offsets.
      await committing;
      committing = payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
      committing.catch(() => undefined); // awaited below or by the next chunk; a stale batch drops it
      await payload.heartbeat();
    }
    await committing;
    this.logProgress(batch.messages.length);
  }

  /** Validated ahead of its turn; a failure would surface when its turn awaits it. */
  private prepare(chunk: Chunk): Promise<StoreStep> {
    const prepared = this.options.handler(chunk.inputs);
    prepared.catch(() => undefined);
    return prepared;
  }

  /**
   * Hands the chunk to ingestion, which stores or dead-letters every message (it throws
   * only when the store does not answer: then nothing is committed and kafkajs retries the
   * chunk with backoff), and copies the rejected ones to the dead-letter topic before the
   * commit, including any whose dead letter could not be stored.
   */
  private async ingest(topic: string, partition: number, { messages, inputs }: Chunk, store: StoreStep): Promise<void> {
    let outcomes: InputOutcome[];
    try {
      outcomes = await store();
    } catch (error) {
      this.options.logger.warn(
        {
          group: this.options.config.groupId,
          source: kafkaSource(topic, partition, messages[0]!.offset),
          messages: messages.length,
          err: errorMessage(error),
        },
        'ingestion paused: nothing committed, the messages will be redelivered',
      );
      throw error;
    }
    if (outcomes.length !== inputs.length)
      throw new Error(`the ingest handler returned ${outcomes.length} outcomes for ${inputs.length} inputs`);

    const rejected: RejectedMessage[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'rejected') {
        rejected.push(rejectedMessage(messages[i]!, inputs[i]!.source, outcome.reason, outcome.eventId));
        if (!outcome.deadLettered) {
          this.options.logger.error(
            { group: this.options.config.groupId, source: inputs[i]!.source, reason: outcome.reason },
            'dead letter not stored; it goes to the dead-letter topic only',
          );
        }
      } else if (outcome.status === 'accepted') this.totals.accepted++;
      else this.totals.duplicates++;
    });
    // Before the commit: once committed, a rejected message would never reach the topic.
    await this.options.deadLetters.publishRejected(rejected);
    this.totals.rejected += rejected.length;
    if (rejected.length > 0) {
      this.options.logger.warn(
        {
          group: this.options.config.groupId,
          topic,
          partition,
          rejected: rejected.length,
          first: rejected[0]!.source,
          reason: rejected[0]!.reason,
        },
        'kafka input rejected to the dead-letter topic',
      );
    }
  }

  private logProgress(batchSize: number): void {
    const progress = this.progress;
    progress.batches++;
    progress.messages += batchSize;
    progress.largestBatch = Math.max(progress.largestBatch, batchSize);
    const elapsed = Date.now() - progress.since;
    if (elapsed < (this.options.progressLogIntervalMs ?? 10_000)) return;
    this.options.logger.info(
      {
        group: this.options.config.groupId,
        batches: progress.batches,
        messages: progress.messages,
        averageBatch: Math.round(progress.messages / progress.batches),
        largestBatch: progress.largestBatch,
        perSecond: Math.round((progress.messages * 1000) / Math.max(elapsed, 1)),
        lag: this.lag.total(),
        partitions: this.lag.snapshot().map(({ topic, partition, lag }) => ({ topic, partition, lag })),
        ...this.counts,
      },
      'kafka consumer progress',
    );
    Object.assign(progress, { since: Date.now(), batches: 0, messages: 0, largestBatch: 0 });
  }
}

interface Chunk {
  readonly messages: readonly KafkaMessage[];
  readonly inputs: readonly RawInput[];
}

function rejectedMessage(
  message: KafkaMessage,
  source: string,
  reason: string,
  eventId: string | null,
): RejectedMessage {
  return { raw: message.value, reason, source, eventId, key: message.key, headers: message.headers ?? {} };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
