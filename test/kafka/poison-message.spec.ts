/**
 * "Nothing stops the pipeline" on a real broker and a real PostgreSQL (interfaces.md §1,
 * issue 12): a message the store refuses is dead-lettered and the partition moves past
 * it; hostile bytes (a NUL, deep nesting) never hold a partition; PostgreSQL stopped
 * mid-stream pauses intake without losing or dead-lettering anything valid; a binary-mode
 * dead letter keeps its headers, and re-drive decodes it the way it came; the official
 * CloudEvents SDK's Kafka messages are read in both modes.
 */
import { CloudEvent, Kafka as CloudEventsKafka } from 'cloudevents';
import { Admin, Kafka, Message, Producer } from 'kafkajs';
import { Ingestion, Redrive, deadLetterView } from '@smartme/application';
import { REASON_HEADER } from '../../libs/adapters/src/kafka/kafka-dead-letter-publisher';
import { KafkaConfig } from '../../libs/adapters/src/kafka/kafka-config';
import { ensureTopics } from '../../libs/adapters/src/kafka/topics';
import { EVENT_STORE_MIGRATIONS } from '../../libs/adapters/src/sql/event-store.schema';
import { migrate } from '../../libs/adapters/src/sql/migrations';
import { PostgresClient } from '../../libs/adapters/src/sql/postgres-client';
import { SqlDeadLetterStore } from '../../libs/adapters/src/sql/sql-dead-letter-store';
import { SqlEventStore } from '../../libs/adapters/src/sql/sql-event-store';
import { sqlEventStoreBackend } from '../../libs/adapters/src/sql/sql-event-store-backend';
import { kafkaBrokersForTests } from '../infra/kafka';
import { ThrowawayPostgres, startThrowawayPostgres } from '../infra/postgres';
import {
  fixedClock,
  headerText,
  quietKafka,
  readMessages,
  startTestConsumer,
  testKafkaConfig,
  uniqueSuffix,
  waitFor,
} from './support';

jest.setTimeout(120_000);

let release: () => Promise<void>;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let brokers: string[];
let cluster: ThrowawayPostgres;
let client: PostgresClient;
const started: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  [{ brokers, release }, cluster] = await Promise.all([kafkaBrokersForTests(), startThrowawayPostgres()]);
  client = new PostgresClient(cluster.url);
  await migrate(client, EVENT_STORE_MIGRATIONS);
  // Real refusals by the store for events with `poison-` ids, whatever the batch around them.
  await client.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.event_id LIKE 'poison-%' THEN RAISE EXCEPTION 'poisoned event %', NEW.event_id; END IF;
      RETURN NEW;
    END $$`);
  await client.query(
    'CREATE TRIGGER refuse_poison BEFORE INSERT ON billing_events FOR EACH ROW EXECUTE FUNCTION refuse_poison()',
  );
  // And a dead letter it refuses however it is written: the input `refuse-this-letter`.
  await client.query(`CREATE FUNCTION refuse_letter() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.raw = convert_to('refuse-this-letter', 'UTF8') THEN RAISE EXCEPTION 'letter refused'; END IF;
      RETURN NEW;
    END $$`);
  await client.query(
    'CREATE TRIGGER refuse_letter BEFORE INSERT ON dead_letters FOR EACH ROW EXECUTE FUNCTION refuse_letter()',
  );
  kafka = quietKafka(brokers);
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer();
  await producer.connect();
}, 180_000);

afterAll(async () => {
  for (const component of started.reverse()) await component.stop().catch(() => undefined);
  await producer?.disconnect();
  await admin?.disconnect();
  await client?.close();
  await cluster?.destroy();
  await release?.();
});

function ingestion(maxClockSkewMs = 300_000): Ingestion {
  return new Ingestion(
    new SqlEventStore(client),
    new SqlDeadLetterStore(client),
    fixedClock,
    { maxClockSkewMs },
    sqlEventStoreBackend(client).ready,
  );
}

async function startConsumer(config: KafkaConfig) {
  const ingest = ingestion();
  const running = await startTestConsumer(kafka, config, (inputs) => ingest.prepareBatch(inputs));
  started.push(running);
  return running;
}

function registered(id: string, orgId = 'acme', time = '2025-10-12T09:30:00+09:00'): string {
  return JSON.stringify({
    specversion: '1.0',
    id,
    source: 'identity-platform',
    type: 'IdRegistered',
    time,
    data: { orgId, idId: `m-${id}` },
  });
}

async function world() {
  const suffix = uniqueSuffix();
  const config = testKafkaConfig(brokers, suffix);
  await ensureTopics(admin, config);
  return { suffix, config, id: (name: string) => `${suffix}-${name}` };
}

async function committedToEnd(config: KafkaConfig): Promise<boolean> {
  const [committed] = await admin.fetchOffsets({ groupId: config.groupId, topics: [config.topics.identity] });
  const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, p.offset]));
  for (const { partition, high } of await admin.fetchTopicOffsets(config.topics.identity)) {
    if (high !== '0' && byPartition.get(partition) !== high) return false;
  }
  return true;
}

async function storedIds(prefix: string): Promise<string[]> {
  const rows = await client.query<{ event_id: string }>(
    'SELECT event_id FROM billing_events WHERE event_id LIKE $1 ORDER BY position',
    [`${prefix}%`],
  );
  return rows.map((row) => row.event_id);
}

const lettersOf = async (config: KafkaConfig) =>
  (await new SqlDeadLetterStore(client).list()).filter((l) => l.source.startsWith(`${config.topics.identity}/`));

describe('a poison message on a real broker', () => {
  it('is dead-lettered with an internal reason, and the valid messages around it on its partition are ingested; a letter the store refuses still reaches the topic', async () => {
    const { config, id, suffix } = await world();
    const poisonId = `poison-${suffix}`;
    const nulLed = Buffer.concat([Buffer.from([0]), Buffer.from(registered(id('nul')))]);
    const deep = `{"specversion":"1.0","id":"${id('deep')}","source":"s","type":"IdRegistered","time":"2025-10-12T09:30:00Z","data":{"orgId":${'['.repeat(5000)}${']'.repeat(5000)},"idId":"x"}}`;
    // One key: one partition, in this order.
    const messages: Message[] = [
      { key: 'acme', value: registered(id('v1')) },
      { key: 'acme', value: registered(id('v2')) },
      { key: 'acme', value: registered(poisonId) },
      { key: 'acme', value: registered(id('v3')) },
      { key: 'acme', value: nulLed },
      { key: 'acme', value: `{"id":\u0000"x"}` },
      { key: 'acme', value: deep },
      { key: 'acme', value: 'refuse-this-letter' },
      { key: 'acme', value: registered(id('v4')) },
    ];
    await producer.send({ topic: config.topics.identity, messages });
    const { consumer } = await startConsumer(config);

    await waitFor(
      () => committedToEnd(config),
      60_000,
      () => `offsets committed past the poison message (processed ${consumer.processed})`,
    );
    // At least once: a redelivered message counts again (a valid one as a duplicate), never as new.
    expect(consumer.counts.accepted).toBe(4);
    expect(consumer.counts.rejected).toBeGreaterThanOrEqual(5);
    expect(await storedIds(suffix)).toEqual([id('v1'), id('v2'), id('v3'), id('v4')]);

    const letters = await lettersOf(config);
    expect(letters).toHaveLength(4);
    const poison = letters.find((l) => l.eventId === poisonId)!;
    expect(poison.reason).toMatch(/^internal: .*poisoned event/);
    expect(poison.raw.toString()).toBe(registered(poisonId));
    expect(letters.find((l) => l.raw.equals(nulLed))!.reason).toMatch(/^not JSON: .*\\u0000/);
    expect(letters.find((l) => l.raw.toString() === deep)!.reason).toBe('data.orgId: must be a string');
    for (const letter of letters) {
      expect(letter.reason).not.toContain('\u0000');
      expect(letter.kafka?.key).toEqual(Buffer.from('acme'));
    }

    // The topic has every rejected message, the one the store refused to keep as well.
    const dead = await readMessages(kafka, config.topics.deadLetter, 5);
    expect(new Set(dead.map((m) => m.value?.toString('base64')))).toEqual(
      new Set([...letters.map((l) => l.raw.toString('base64')), Buffer.from('refuse-this-letter').toString('base64')]),
    );
    expect(
      new Set(
        dead
          .filter((m) => m.value?.toString() !== 'refuse-this-letter')
          .map((m) => headerText(m.headers, REASON_HEADER)),
      ),
    ).toEqual(new Set(letters.map((l) => l.reason)));
  });

  it('pauses while PostgreSQL is down, then ingests everything once, dead-lettering only the invalid', async () => {
    const { config, id, suffix } = await world();
    const first = Array.from({ length: 30 }, (_, i) => id(`a${i}`));
    const second = Array.from({ length: 30 }, (_, i) => id(`b${i}`));
    const send = (ids: string[]) =>
      producer.send({
        topic: config.topics.identity,
        messages: ids.map((eventId, i) => ({ key: `org-${i % 3}`, value: registered(eventId, `org-${i % 3}`) })),
      });
    await send(first);
    const { consumer, logger } = await startConsumer(config);
    await waitFor(
      async () => (await committedToEnd(config)) && (await storedIds(suffix)).length === first.length,
      60_000,
      () => `first part stored (processed ${consumer.processed})`,
    );
    const processedBefore = consumer.processed;

    await cluster.stop({ mode: 'immediate', keepData: true });
    try {
      await send(second);
      await producer.send({ topic: config.topics.identity, messages: [{ key: 'org-0', value: 'not json' }] });
      // Several attempts, with kafkajs's backoff in between, all paused.
      await waitFor(
        () => logger.lines.filter((entry) => entry.msg.startsWith('ingestion paused')).length >= 3,
        30_000,
        () => 'the consumer meets the outage, again and again',
      );
      expect(consumer.processed).toBe(processedBefore);
    } finally {
      await cluster.start();
    }

    await waitFor(
      async () => consumer.processed >= first.length + second.length + 1 && (await committedToEnd(config)),
      90_000,
      () => `offsets committed (processed ${consumer.processed})`,
    );
    expect((await storedIds(suffix)).sort()).toEqual([...first, ...second].sort());
    const letters = await lettersOf(config);
    expect(letters.map((l) => l.raw.toString())).toEqual(['not json']);
  });
});

describe('binary mode end to end', () => {
  it('keeps a binary-mode dead letter whole, and re-drive decodes it from its headers', async () => {
    const { config, id } = await world();
    const headers = {
      ce_specversion: '1.0',
      ce_id: id('future'),
      ce_source: 'identity-platform',
      ce_type: 'IdRegistered',
      ce_time: '2099-01-01T00:00:00+09:00', // beyond the clock skew: rejected now, fine later
      'content-type': 'application/json',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    };
    const value = JSON.stringify({ orgId: 'acme', idId: 'm-future' });
    await producer.send({ topic: config.topics.identity, messages: [{ key: 'acme', value, headers }] });
    const { consumer } = await startConsumer(config);
    await waitFor(
      () => committedToEnd(config),
      60_000,
      () => `processed ${consumer.processed}`,
    );

    const [letter] = await lettersOf(config);
    expect(letter!.reason).toMatch(/^time: 2099-01-01T00:00:00\+09:00 is more than 5 minutes in the future$/);
    expect(deadLetterView(letter!)).toMatchObject({
      raw: value,
      rawBase64: Buffer.from(value).toString('base64'),
      key: 'acme',
      headers,
      source: expect.stringMatching(new RegExp(`^${config.topics.identity.replace(/\./g, '\\.')}/\\d+/0$`)),
    });

    // A re-drive under a clock that tolerates the time decodes the letter in binary mode again.
    const redrive = new Redrive(new SqlDeadLetterStore(client), ingestion(200 * 365 * 24 * 3_600_000));
    expect(await redrive.run([letter!.id])).toEqual({ redriven: 1, stillRejected: 0 });
    const [stored] = await client.query<{ data: unknown; type: string }>(
      'SELECT data, type FROM billing_events WHERE event_id = $1',
      [id('future')],
    );
    expect(stored).toEqual({ type: 'IdRegistered', data: { orgId: 'acme', idId: 'm-future' } });
  });

  it('rejects the batch content type on Kafka with a reason that says why', async () => {
    const { config, id } = await world();
    await producer.send({
      topic: config.topics.identity,
      messages: [
        {
          key: 'acme',
          value: `[${registered(id('in-batch'))}]`,
          headers: { 'content-type': 'application/cloudevents-batch+json' },
        },
      ],
    });
    const { consumer } = await startConsumer(config);
    await waitFor(
      () => committedToEnd(config),
      60_000,
      () => `processed ${consumer.processed}`,
    );
    const [letter] = await lettersOf(config);
    expect(letter!.reason).toMatch(/^content-type: .* the Kafka binding has no batch mode/);
    expect(deadLetterView(letter!).headers).toEqual({ 'content-type': 'application/cloudevents-batch+json' });
  });

  it("reads the official CloudEvents SDK's Kafka messages, structured and binary", async () => {
    const { config, id, suffix } = await world();
    const event = (name: string) =>
      new CloudEvent({
        specversion: '1.0',
        id: id(name),
        source: 'identity-platform',
        type: 'IdRegistered',
        time: '2025-10-12T09:30:00+09:00',
        data: { orgId: 'acme', idId: `m-${name}` },
      });
    const structured = CloudEventsKafka.structured(event('sdk-structured'));
    const binary = CloudEventsKafka.binary(event('sdk-binary'));
    // What a producer team writes to hand the SDK's messages to kafkajs: headers without the
    // attributes the event does not set, and binary data (left as an object by the SDK) serialised.
    const headersOf = (headers: Record<string, unknown>): Message['headers'] =>
      Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as Message['headers'];
    const messages: Message[] = [
      { key: 'acme', value: String(structured.value), headers: headersOf(structured.headers) },
      { key: 'acme', value: JSON.stringify(binary.value), headers: headersOf(binary.headers) },
    ];
    expect(headerText(messages[0]!.headers!, 'content-type')).toMatch(/^application\/cloudevents\+json/);
    await producer.send({ topic: config.topics.identity, messages });
    const { consumer } = await startConsumer(config);
    await waitFor(
      () => committedToEnd(config),
      60_000,
      () => `processed ${consumer.processed}`,
    );
    expect(consumer.counts).toMatchObject({ accepted: 2, rejected: 0 });
    expect((await storedIds(suffix)).sort()).toEqual([id('sdk-binary'), id('sdk-structured')]);
  });
});
