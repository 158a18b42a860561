import { Kafka, logLevel as KafkaLogLevel, RetryOptions } from 'kafkajs';
import { KafkaConfig } from './kafka-config';
import { KafkaLogger, kafkaLogCreator } from './kafka-logger';

export interface KafkaClientOptions {
  readonly logger: KafkaLogger;
  /** kafkajs's own verbosity; INFO by default (WARN or ERROR in tests). */
  readonly logLevel?: KafkaLogLevel;
  /** Per-request broker timeout; kafkajs's 30 s default is kept unless set. */
  readonly requestTimeout?: number;
  /** How long one TCP connect may take; short values make an unreachable broker fail fast. */
  readonly connectionTimeout?: number;
  /** Connection-level retries (kafkajs: 5, from 300 ms); consumers and producers refine their own. */
  readonly retry?: RetryOptions;
}

/** The kafkajs client every consumer, producer and admin of the service is made from. */
export function createKafka(config: Pick<KafkaConfig, 'brokers' | 'clientId'>, options: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: [...config.brokers],
    logLevel: options.logLevel ?? KafkaLogLevel.INFO,
    logCreator: kafkaLogCreator(options.logger),
    ...(options.requestTimeout !== undefined ? { requestTimeout: options.requestTimeout } : {}),
    ...(options.connectionTimeout !== undefined ? { connectionTimeout: options.connectionTimeout } : {}),
    ...(options.retry !== undefined ? { retry: options.retry } : {}),
  });
}
