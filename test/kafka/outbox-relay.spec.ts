/**
 * The charge outbox relay against a real broker: charges stored with appendCharges arrive on
 * the charges topic as the exact CloudEvents of interfaces.md §2 (key = orgId), and nothing
 * is marked published without the broker's acknowledgement.
 */
import { Admin, Kafka } from 'kafkajs';
import { ChargeEvent } from '@smartme/domain';
import { OutboxRelay, toChargeCloudEvent } from '@smartme/application';
import { KafkaChargePublisher } from '../../libs/adapters/src/kafka/charge-publisher';
import { KafkaConfig } from '../../libs/adapters/src/kafka/kafka-config';
import { ProducerConnection } from '../../libs/adapters/src/kafka/producer-connection';
import { ensureTopics } from '../../libs/adapters/src/kafka/topics';
import { SqlChargeOutbox } from '../../libs/adapters/src/sql/sql-charge-outbox';
import { SqlEventStore } from '../../libs/adapters/src/sql/sql-event-store';
import { freePort } from '../infra/util';
import { kafkaBrokersForTests } from '../infra/kafka';
import { TestDatabase, chargeIssued, embeddedTestDatabase } from '../contract/event-store.contract';
import {
  headerText,
  quietKafka,
  readMessages,
  recordingLogger,
  testKafkaConfig,
  uniqueSuffix,
  waitFor,
} from './support';

jest.setTimeout(60_000);

let release: () => Promise<void>;
let kafka: Kafka;
let admin: Admin;
let config: KafkaConfig;
let db: TestDatabase;
let producer: ProducerConnection;
const relays: OutboxRelay[] = [];

beforeAll(async () => {
  const broker = await kafkaBrokersForTests();
  release = broker.release;
  kafka = quietKafka(broker.brokers);
  admin = kafka.admin();
  await admin.connect();
  config = testKafkaConfig(broker.brokers, uniqueSuffix());
  producer = ProducerConnection.idempotent(kafka);
  db = await embeddedTestDatabase();
});

afterAll(async () => {
  for (const relay of relays) await relay.stop();
  await producer?.close();
  await admin?.disconnect();
  await db?.destroy();
  await release?.();
});

function newRelay(
  publisherProducer: ProducerConnection,
  options: { pollIntervalMs?: number; initialBackoffMs?: number } = {},
): { relay: OutboxRelay; logger: ReturnType<typeof recordingLogger> } {
  const logger = recordingLogger();
  const relay = new OutboxRelay({
    outbox: new SqlChargeOutbox(db.client),
    publisher: new KafkaChargePublisher(publisherProducer, config.topics.charges),
    logger,
    pollIntervalMs: options.pollIntervalMs ?? 60_000,
    initialBackoffMs: options.initialBackoffMs ?? 200,
    maxBackoffMs: 1_000,
  });
  relays.push(relay);
  return { relay, logger };
}

async function storeCharges(prefix: string, orgs: readonly string[]): Promise<ChargeEvent[]> {
  const records = orgs.map((org, i) => chargeIssued(`${prefix}-${i}`, org, 300 * (i + 1)));
  await new SqlEventStore(db.client).appendCharges(records);
  return records.map((record) => record.event as ChargeEvent);
}

describe('ensureTopics', () => {
  it('creates the four topics once, with the partitions asked for, and leaves existing ones alone', async () => {
    const all = Object.values(config.topics).sort();
    expect((await ensureTopics(admin, config)).sort()).toEqual(all);
    expect(await ensureTopics(admin, config)).toEqual([]);
    const { topics } = await admin.fetchTopicMetadata({ topics: all });
    expect(topics.map((topic) => topic.partitions.length)).toEqual([4, 4, 4, 4]);
  });
});

describe('OutboxRelay with KafkaChargePublisher on a real broker', () => {
  let published: ChargeEvent[] = [];

  beforeAll(() => ensureTopics(admin, config));

  it('publishes stored charges as the exact CloudEvents, keyed by organisation, then marks them published', async () => {
    const outbox = new SqlChargeOutbox(db.client);
    const charges = await storeCharges(uniqueSuffix(), ['acme', 'beta', 'acme', 'gamma']);
    expect(await outbox.backlog()).toBe(4);
    expect((await outbox.pending(10)).map((p) => p.event.id)).toEqual(charges.map((c) => c.id));

    // The loop, woken as a close would wake it (its poll interval alone would wait a minute).
    const { relay } = newRelay(producer);
    relay.start();
    relay.wake();
    await waitFor(
      async () => (await outbox.backlog()) === 0,
      20_000,
      () => 'outbox backlog 0',
    );
    expect(relay.published).toBe(4);
    published = charges;

    const messages = await readMessages(kafka, config.topics.charges, 4);
    expect(messages).toHaveLength(4);
    for (const charge of charges) {
      const message = messages.find((m) => JSON.parse(m.value!.toString()).id === charge.id)!;
      expect(message.key!.toString()).toBe(charge.data.orgId);
      expect(message.value!.toString()).toBe(JSON.stringify(toChargeCloudEvent(charge)));
      expect(headerText(message.headers, 'content-type')).toBe('application/cloudevents+json');
    }
    // One organisation's charges share a partition, in store order.
    const acme = messages.filter((m) => m.key!.toString() === 'acme');
    expect(new Set(acme.map((m) => m.partition)).size).toBe(1);
    expect(acme.map((m) => JSON.parse(m.value!.toString()).id)).toEqual([charges[0]!.id, charges[2]!.id]);
    await relay.stop();
  });

  it('marks nothing published while the broker is unreachable, and publishes everything once it is back', async () => {
    const outbox = new SqlChargeOutbox(db.client);
    const charges = await storeCharges(uniqueSuffix(), ['acme', 'delta']);
    expect(await outbox.backlog()).toBe(2);

    // Nobody listens on this port: every connect is refused.
    const deadKafka = quietKafka([`127.0.0.1:${await freePort()}`], { connectionTimeout: 500, retries: 1 });
    const deadProducer = ProducerConnection.idempotent(deadKafka, {
      retries: 1,
      initialRetryTime: 100,
      maxRetryTime: 200,
    });
    const { relay: failing } = newRelay(deadProducer);
    await expect(failing.drain()).rejects.toThrow();
    expect(await outbox.backlog()).toBe(2);

    // The loop keeps trying with backoff and still marks nothing.
    const { relay: looping, logger } = newRelay(deadProducer, { pollIntervalMs: 50, initialBackoffMs: 100 });
    looping.start();
    await waitFor(
      () => logger.lines.filter((line) => line.level === 'warn').length >= 2,
      20_000,
      () => 'two failed rounds',
    );
    await looping.stop();
    await deadProducer.close();
    expect(looping.published).toBe(0);
    expect((await outbox.pending(10)).map((p) => p.event.id)).toEqual(charges.map((c) => c.id));

    // The broker is reachable again (a working publisher): the backlog drains.
    const { relay: working } = newRelay(producer);
    expect(await working.drain()).toBe(2);
    expect(await outbox.backlog()).toBe(0);
    const messages = await readMessages(kafka, config.topics.charges, published.length + 2);
    expect(messages.map((m) => JSON.parse(m.value!.toString()).id).sort()).toEqual(
      [...published, ...charges].map((c) => c.id).sort(),
    );
  });
});
