import { PartitionLag } from '@smartme/adapters/kafka/consumer-lag';

/** The Kafka side of the service, as the rest of the application sees it. */
export interface Messaging {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Whether the brokers answer. */
  ready(): Promise<boolean>;
  /** How far the input consumer is behind, per assigned partition (read from memory, no broker call). */
  consumerLag(): readonly PartitionLag[];
}
