/**
 * KafkaEventConsumer against a real broker and the embedded store: both CloudEvents modes
 * are ingested, invalid input reaches the dead-letter store and topic byte for byte, a
 * message produced twice is stored once, and offsets are committed only after the append.
 */
import { Admin, IHeaders, Kafka, Message, Producer } from 'kafkajs';
import { RawInput, StoreStep } from '@smartme/application';
import { REASON_HEADER, SOURCE_HEADER } from '../../libs/adapters/src/kafka/kafka-dead-letter-publisher';
import { KafkaConfig } from '../../libs/adapters/src/kafka/kafka-config';
import { ensureTopics } from '../../libs/adapters/src/kafka/topics';
import { SqlDeadLetterStore } from '../../libs/adapters/src/sql/sql-dead-letter-store';
import { SqlEventStore } from '../../libs/adapters/src/sql/sql-event-store';
import { kafkaBrokersForTests } from '../infra/kafka';
import { TestDatabase, embeddedTestDatabase, readEverything } from '../contract/event-store.contract';
import {
  headerText,
  ingestionOn,
  quietKafka,
  readMessages,
  startTestConsumer,
  testKafkaConfig,
  uniqueSuffix,
  waitFor,
} from './support';

jest.setTimeout(60_000);

let release: () => Promise<void>;
let brokers: string[];
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let db: TestDatabase;
const started: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  ({ brokers, release } = await kafkaBrokersForTests());
  kafka = quietKafka(brokers);
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer();
  await producer.connect();
  db = await embeddedTestDatabase();
});

afterAll(async () => {
  for (const component of started.reverse()) await component.stop();
  await producer?.disconnect();
  await admin?.disconnect();
  await db?.destroy();
  await release?.();
});

/**
 * A consumer wired as the service wires it, except for the store step, which a test may
 * wrap (it is called once per attempt to store a chunk).
 */
async function startConsumer(
  config: KafkaConfig,
  wrap: (inputs: readonly RawInput[], store: StoreStep) => StoreStep = (_inputs, store) => store,
) {
  const { ingestion } = ingestionOn(db.client);
  const running = await startTestConsumer(kafka, config, async (inputs) =>
    wrap(inputs, await ingestion.prepareBatch(inputs)),
  );
  started.push(running);
  return running;
}

function structured(id: string, type: string, data: object, time = '2025-10-12T09:30:00+09:00'): string {
  return JSON.stringify({ specversion: '1.0', id, source: 'identity-platform', type, time, data });
}

function binaryHeaders(id: string, type: string, time?: string): IHeaders {
  const headers: IHeaders = {
    ce_specversion: '1.0',
    ce_id: id,
    ce_source: 'identity-platform',
    ce_type: type,
    'content-type': 'application/json',
    traceparent: '00-abc-def-01',
  };
  if (time !== undefined) headers.ce_time = time;
  return headers;
}

async function committedOffsets(groupId: string, topic: string): Promise<Map<number, string>> {
  const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((result?.partitions ?? []).map((p) => [p.partition, p.offset]));
}

async function endOffsets(topic: string): Promise<Map<number, string>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
}

/** Committed = end of log on every partition that has messages. */
async function fullyCommitted(groupId: string, topic: string): Promise<boolean> {
  const committed = await committedOffsets(groupId, topic);
  for (const [partition, high] of await endOffsets(topic)) {
    if (high !== '0' && committed.get(partition) !== high) return false;
  }
  return true;
}

describe('KafkaEventConsumer on a real broker', () => {
  it('ingests structured and binary events once each and dead-letters invalid input with its exact bytes', async () => {
    const suffix = uniqueSuffix();
    const config = testKafkaConfig(brokers, suffix);
    await ensureTopics(admin, config);
    const id = (name: string) => `${suffix}-${name}`;

    const registered = structured(id('reg'), 'IdRegistered', {
      orgId: 'acme',
      idId: 'm-000123',
      email: 'dropped@example.com',
    });
    const notJson = '{"specversion":"1.0", oops';
    const missingField = structured(id('bad-reg'), 'IdRegistered', { orgId: 'acme' });
    const badBinaryHeaders = binaryHeaders(id('bad-ver'), 'CredentialVerified');
    const identity: Message[] = [
      { key: 'acme', value: registered },
      { key: 'acme', value: registered }, // produced twice: stored once
      {
        key: 'acme',
        value: JSON.stringify({ holderOrgId: 'acme', holderIdId: 'm-1', verifierOrgId: 'beta' }),
        headers: binaryHeaders(id('ver'), 'CredentialVerified', '2025-10-13T18:05:59+09:00'),
      },
      { key: 'acme', value: notJson },
      { key: 'beta', value: missingField },
      { key: 'acme', value: null }, // a tombstone
      {
        key: 'acme',
        value: JSON.stringify({ holderOrgId: 'acme', holderIdId: 'm-1', verifierOrgId: 'beta' }),
        headers: badBinaryHeaders,
      },
    ];
    const contracts: Message[] = [
      {
        key: 'acme',
        value: structured(id('open'), 'ContractOpened', {
          orgId: 'acme',
          appliedOn: '2025-10-01',
          openedOn: '2025-10-01',
          services: ['entry-exit', 'id'],
          declaredMembers: 10,
          plannedUsers: 5,
        }),
      },
    ];
    await producer.send({ topic: config.topics.identity, messages: identity });
    await producer.send({ topic: config.topics.contracts, messages: contracts });

    const head = await new SqlEventStore(db.client).headPosition();
    const { consumer } = await startConsumer(config);
    await waitFor(
      () => consumer.processed === identity.length + contracts.length,
      30_000,
      () => `processed ${consumer.processed}`,
    );
    expect(consumer.counts).toEqual({ accepted: 3, duplicates: 1, rejected: 4 });

    // The store holds each valid event exactly once, unknown fields dropped.
    const { events } = await readEverything(new SqlEventStore(db.client), head);
    expect(events.map((e) => e.event.id).sort()).toEqual([id('open'), id('reg'), id('ver')].sort());
    expect(events.find((e) => e.event.id === id('reg'))!.event.data).toEqual({ orgId: 'acme', idId: 'm-000123' });
    expect(events.find((e) => e.event.id === id('ver'))!.event.type).toBe('CredentialVerified');

    // The dead-letter store has each rejected message, raw bytes exact, reasons naming the field.
    const letters = (await new SqlDeadLetterStore(db.client).list()).filter((l) =>
      l.source.startsWith(config.topics.identity),
    );
    const byRaw = new Map(letters.map((l) => [l.raw.toString('utf8'), l]));
    expect(letters).toHaveLength(4);
    expect(byRaw.get(notJson)!.reason).toMatch(/^not JSON/);
    expect(byRaw.get(missingField)!.reason).toContain('data.idId');
    expect(byRaw.get('')!.raw).toEqual(Buffer.alloc(0)); // the tombstone
    const badBinary = letters.find((l) => l.eventId === id('bad-ver'))!;
    expect(badBinary.reason).toContain('time');
    for (const letter of letters)
      expect(letter.source).toMatch(new RegExp(`^${config.topics.identity.replace(/\./g, '\\.')}/\\d+/\\d+$`));

    // … and the dead-letter topic has them too: same bytes, original key and headers, verdict in headers.
    const dead = await readMessages(kafka, config.topics.deadLetter, 4);
    expect(dead).toHaveLength(4);
    for (const message of dead) {
      const source = headerText(message.headers, SOURCE_HEADER)!;
      const letter = letters.find((l) => l.source === source);
      expect(letter).toBeDefined();
      expect(headerText(message.headers, REASON_HEADER)).toBe(letter!.reason);
      if (letter!.raw.length === 0) expect(message.value).toBeNull();
      else expect(message.value).toEqual(letter!.raw);
    }
    expect(dead.find((m) => m.value?.toString() === missingField)!.key).toEqual(Buffer.from('beta'));
    const binaryCopy = dead.find((m) => headerText(m.headers, 'ce_id') === id('bad-ver'))!;
    for (const name of ['ce_specversion', 'ce_source', 'ce_type', 'content-type', 'traceparent']) {
      expect(headerText(binaryCopy.headers, name)).toBe(String(badBinaryHeaders[name]));
    }

    // Everything is committed, and the lag says so.
    await waitFor(
      async () =>
        (await fullyCommitted(config.groupId, config.topics.identity)) &&
        fullyCommitted(config.groupId, config.topics.contracts),
      10_000,
      () => 'offsets committed',
    );
    await waitFor(
      () => consumer.lagSnapshot().every((p) => p.lag === 0),
      5_000,
      () => JSON.stringify(consumer.lagSnapshot()),
    );
    expect(consumer.lagSnapshot().length).toBeGreaterThan(0);
  });

  it('commits nothing while ingestion fails, then redelivers the batch and ingests it once', async () => {
    const suffix = uniqueSuffix();
    const config = testKafkaConfig(brokers, suffix);
    await ensureTopics(admin, config);
    const ids = Array.from({ length: 20 }, (_, i) => `${suffix}-r${i}`);
    // One key, so one partition and one batch: the redelivery is that very batch again.
    await producer.send({
      topic: config.topics.identity,
      messages: ids.map((eventId, i) => ({
        key: 'org-1',
        value: structured(eventId, 'IdRegistered', { orgId: 'org-1', idId: `m-${i}` }),
      })),
    });

    const calls: string[][] = [];
    let releaseGate!: () => void;
    const gate = new Promise<void>((resolve) => (releaseGate = resolve));
    const { consumer } = await startConsumer(config, (inputs, store) => async () => {
      calls.push(inputs.map((input) => input.source));
      if (calls.length === 1) throw new Error('store down');
      await gate; // holds the redelivered batch until the test has looked at the group's offsets
      return store();
    });

    await waitFor(
      () => calls.length >= 2,
      20_000,
      () => `${calls.length} handler calls`,
    );
    const committed = await committedOffsets(config.groupId, config.topics.identity);
    expect([...committed.values()].every((offset) => offset === '-1')).toBe(true);
    expect(calls[0]).toHaveLength(ids.length);
    expect(calls[1]).toEqual(calls[0]);
    expect(consumer.processed).toBe(0);

    releaseGate();
    await waitFor(
      () => consumer.processed === ids.length,
      20_000,
      () => `processed ${consumer.processed}`,
    );
    await waitFor(
      () => fullyCommitted(config.groupId, config.topics.identity),
      10_000,
      () => 'offsets committed',
    );
    const stored = await db.client.query<{ event_id: string }>(
      'SELECT event_id FROM billing_events WHERE event_id = ANY($1::text[])',
      [ids],
    );
    expect(stored.map((row) => row.event_id).sort()).toEqual([...ids].sort());
    expect(consumer.counts).toEqual({ accepted: ids.length, duplicates: 0, rejected: 0 });
  });
});
