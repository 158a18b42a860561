import { KafkaConfig } from '@smartme/adapters/kafka/kafka-config';
import {
  KafkaChargePublisher,
  KafkaDeadLetterPublisher,
  KafkaEventConsumer,
  KafkaLogger,
  PartitionLag,
  ProducerConnection,
  createKafka,
} from '@smartme/adapters/kafka';
import { OutboxRelay } from '@smartme/application';
import { Admin, Kafka } from 'kafkajs';
import { BillingRuntime } from '../composition/billing-runtime';
import { Messaging } from './messaging';
import { TopicProvisioning, createMissingTopics, declareTopics, missingTopics } from '@smartme/adapters/kafka';

/**
 * Kafka in and out: a consumer group on the input topics appends to the event store
 * (offsets committed after the append), and the outbox relay publishes stored charges to
 * `billing.charges` (marked published after the broker's acknowledgement).
 */
export class KafkaMessaging implements Messaging {
  private readonly kafka: Kafka;
  private readonly log: KafkaLogger;
  private readonly admin: Admin;
  private readonly producer: ProducerConnection;
  readonly consumer: KafkaEventConsumer;
  readonly relay: OutboxRelay;
  /** Stops waking the relay on the close's "charges issued". */
  private stopWaking: (() => void) | null = null;

  constructor(
    private readonly config: KafkaConfig,
    private readonly runtime: BillingRuntime,
    logger: KafkaLogger,
    outboxPollMs: number,
    private readonly topicProvisioning: TopicProvisioning,
  ) {
    this.log = logger;
    this.kafka = createKafka(config, { logger });
    this.admin = this.kafka.admin();
    this.producer = ProducerConnection.idempotent(this.kafka);
    this.consumer = new KafkaEventConsumer({
      kafka: this.kafka,
      config,
      handler: (inputs) => runtime.ingestion.prepareBatch(inputs),
      deadLetters: new KafkaDeadLetterPublisher(this.producer, config.topics.deadLetter),
      logger,
      sessionTimeout: config.sessionTimeoutMs,
      // kafkajs wants heartbeats well inside the session: a third of it, at most its default 3 s.
      heartbeatInterval: Math.min(3_000, Math.floor(config.sessionTimeoutMs / 3)),
    });
    this.relay = new OutboxRelay({
      outbox: runtime.store.outbox,
      publisher: new KafkaChargePublisher(this.producer, config.topics.charges),
      logger,
      pollIntervalMs: outboxPollMs,
    });
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await this.provisionTopics();
    await this.consumer.start();
    this.relay.start();
    // Charges just issued (by a close or a recompute, from any entry point) are published at once.
    this.stopWaking = this.runtime.issuance.onIssued(() => this.relay.wake());
  }

  async stop(): Promise<void> {
    this.stopWaking?.();
    await this.consumer.stop();
    await this.relay.stop();
    await this.producer.close();
    await this.admin.disconnect();
  }

  consumerLag(): readonly PartitionLag[] {
    return this.consumer.lagSnapshot();
  }

  async ready(): Promise<boolean> {
    if (this.consumer.state === 'crashed') return false;
    try {
      await this.admin.describeCluster();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Missing topics are created as declared (KAFKA_CREATE_TOPICS, on by default). Turned off, the
   * topics are the operators' to create, and the service refuses to start without them rather
   * than fail later on a topic that does not exist.
   */
  private async provisionTopics(): Promise<void> {
    const declarations = declareTopics(this.config.topics, this.topicProvisioning);
    if (this.topicProvisioning.create) {
      const created = await createMissingTopics(this.admin, declarations);
      if (created.length > 0) this.log.info({ topics: created }, `created the missing topics ${created.join(', ')}`);
      return;
    }
    const missing = (await missingTopics(this.admin, declarations)).map((declaration) => declaration.name);
    if (missing.length > 0)
      throw new Error(
        `Kafka topics ${missing.join(', ')} do not exist and KAFKA_CREATE_TOPICS is off: create them (billing topics --create) or turn it on`,
      );
  }
}
