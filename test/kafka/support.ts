/**
 * Shared pieces of the Kafka integration tests: unique topics and groups per suite (suites
 * may share one broker through KAFKA_BROKERS), quiet kafkajs clients, a store with ingestion
 * on PGlite, and an independent consumer that reads what the adapters wrote.
 */
import { randomBytes } from 'node:crypto';
import { Consumer, IHeaders, Kafka, logLevel } from 'kafkajs';
import { Ingestion } from '@smartme/application';
import { Clock } from '@smartme/ports';
import { createKafka } from '../../libs/adapters/src/kafka/kafka-client';
import { KafkaConfig } from '../../libs/adapters/src/kafka/kafka-config';
import { IngestHandler, KafkaEventConsumer } from '../../libs/adapters/src/kafka/event-consumer';
import { KafkaDeadLetterPublisher } from '../../libs/adapters/src/kafka/kafka-dead-letter-publisher';
import { KafkaLogger } from '../../libs/adapters/src/kafka/kafka-logger';
import { ProducerConnection } from '../../libs/adapters/src/kafka/producer-connection';
import { SqlDeadLetterStore } from '../../libs/adapters/src/sql/sql-dead-letter-store';
import { SqlEventStore } from '../../libs/adapters/src/sql/sql-event-store';
import { SqlClient } from '../../libs/adapters/src/sql/sql-client';
import { sqlEventStoreBackend } from '../../libs/adapters/src/sql/sql-event-store-backend';

/** Mid-October 2025: the test events' times (early October) are in its past. */
export const FIXED_NOW_MS = Date.parse('2025-10-15T00:00:00Z');
export const fixedClock: Clock = { nowMs: () => FIXED_NOW_MS };

export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

export function testKafkaConfig(brokers: readonly string[], suffix: string): KafkaConfig {
  return {
    brokers,
    clientId: `billing-test-${suffix}`,
    groupId: `billing-test-${suffix}`,
    topics: {
      identity: `identity.events.${suffix}`,
      contracts: `billing.contracts.${suffix}`,
      charges: `billing.charges.${suffix}`,
      deadLetter: `billing.dead-letter.${suffix}`,
    },
    sessionTimeoutMs: 10_000,
  };
}

/** Log lines the adapters wrote, for assertions and for a failing test's diagnosis. */
export interface RecordingLogger extends KafkaLogger {
  readonly lines: { level: 'info' | 'warn' | 'error'; obj: object; msg: string }[];
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
}

export function quietKafka(
  brokers: readonly string[],
  options: { connectionTimeout?: number; retries?: number } = {},
): Kafka {
  return createKafka(
    { brokers, clientId: 'billing-test' },
    {
      logger: recordingLogger(),
      logLevel: logLevel.ERROR,
      ...(options.connectionTimeout !== undefined ? { connectionTimeout: options.connectionTimeout } : {}),
      ...(options.retries !== undefined
        ? { retry: { retries: options.retries, initialRetryTime: 100, maxRetryTime: 500 } }
        : {}),
    },
  );
}

export function ingestionOn(client: SqlClient): {
  ingestion: Ingestion;
  events: SqlEventStore;
  deadLetters: SqlDeadLetterStore;
} {
  const events = new SqlEventStore(client);
  const deadLetters = new SqlDeadLetterStore(client);
  return {
    ingestion: new Ingestion(
      events,
      deadLetters,
      fixedClock,
      { maxClockSkewMs: 300_000 },
      sqlEventStoreBackend(client).ready,
    ),
    events,
    deadLetters,
  };
}

export interface TestConsumer {
  readonly consumer: KafkaEventConsumer;
  readonly logger: RecordingLogger;
  /** Stops the consumer (leaving its group) and its dead-letter producer. */
  stop(): Promise<void>;
}

/**
 * A consumer wired as the service wires it (dead letters to the topic, progress logged),
 * ingesting with `handler`, retrying quickly so that an outage in a test passes in seconds.
 */
export async function startTestConsumer(
  kafka: Kafka,
  config: KafkaConfig,
  handler: IngestHandler,
): Promise<TestConsumer> {
  const deadLetters = ProducerConnection.idempotent(kafka);
  const logger = recordingLogger();
  const consumer = new KafkaEventConsumer({
    kafka,
    config,
    handler,
    deadLetters: new KafkaDeadLetterPublisher(deadLetters, config.topics.deadLetter),
    logger,
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 3 },
    progressLogIntervalMs: 0,
  });
  const stop = async () => {
    await consumer.stop();
    await deadLetters.close();
  };
  await consumer.start();
  return { consumer, logger, stop };
}

export interface ReadMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

/** Reads `count` messages of `topic` from the beginning with a group of its own, then leaves. */
export async function readMessages(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<ReadMessage[]> {
  const consumer: Consumer = kafka.consumer({ groupId: `reader-${uniqueSuffix()}` });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: from, partition, message }) => {
        messages.push({
          topic: from,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
        });
      },
    });
    await waitFor(
      () => messages.length >= count,
      timeoutMs,
      () => `read ${messages.length} of ${count} messages from ${topic}`,
    );
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Polls `condition` until it holds. A condition that throws counts as "not yet" (a broker
 * answers "not the coordinator" while a new group loads, a server restarts) until the
 * deadline, when the last error is reported with what was awaited.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string = () => 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      if (await condition()) return;
      lastError = null;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError === null ? '' : ` (last error: ${(lastError as Error).message ?? String(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for: ${describe()}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function headerText(headers: IHeaders, name: string): string | undefined {
  const value = headers[name];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === undefined ? undefined : last.toString();
}
