import { Kafka, Partitioners, Producer, ProducerRecord, RecordMetadata, RetryOptions } from 'kafkajs';

/**
 * Bounded on purpose. kafkajs retries an idempotent producer's send forever by default, so
 * during a broker outage `send` would never settle: the outbox relay could neither back off
 * nor stop. With a bound, `send` fails after about 10 s, nothing is marked published, and the
 * caller retries later; the broker still deduplicates in-session retries (producer id and
 * sequence numbers), and invoicing dedupes the rest by the deterministic CloudEvent id.
 * (kafkajs logs one warning about limited retries when the producer is created; expected.)
 */
export const PRODUCER_RETRY: RetryOptions = { initialRetryTime: 300, maxRetryTime: 5_000, retries: 5 };

/**
 * A kafkajs producer that connects on first use and again after a failed connect, so that a
 * broker unreachable at start-up delays publication instead of failing the service's start.
 */
export class ProducerConnection {
  private connecting: Promise<void> | null = null;

  constructor(private readonly producer: Producer) {}

  /** An idempotent producer (acks from all in-sync replicas, no duplicates from its own retries). */
  static idempotent(kafka: Kafka, retry: RetryOptions = PRODUCER_RETRY): ProducerConnection {
    // One request in flight per broker keeps per-partition order across retries without
    // relying on the broker's 5-request sequence window.
    return new ProducerConnection(
      kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        retry,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      }),
    );
  }

  /** Resolves once the brokers acknowledged every message (`acks: -1`, what idempotence requires). */
  async send(record: Omit<ProducerRecord, 'acks'>): Promise<RecordMetadata[]> {
    await this.connect();
    return this.producer.send({ ...record, acks: -1 });
  }

  connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
      this.connecting = null;
      throw error;
    });
    return this.connecting;
  }

  async close(): Promise<void> {
    if (this.connecting === null) return;
    this.connecting = null;
    await this.producer.disconnect();
  }
}
