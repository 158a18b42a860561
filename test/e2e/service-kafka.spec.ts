import { Kafka, Message, logLevel } from 'kafkajs';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { createPostgresDatabase } from '../contract/event-store.contract';
import { kafkaBrokersForTests } from '../infra/kafka';
import { postgresUrlForTests } from '../infra/postgres';
import { readMessages, uniqueSuffix, waitFor } from '../kafka/support';
import { SeededRandom } from '../workload/random';
import { workload } from '../workload/workload';
import { WORKED_EXAMPLE, billing, ndjson, tempDir } from '../support/cli';
import { ServiceProcess } from '../support/service-process';

type CloudEvent = {
  id: string;
  type: string;
  data: Record<string, unknown> & { orgId?: string; holderOrgId?: string };
};
type ChargeEvent = { id: string; data: { orgId: string } };

const INVALID_LINES = [
  'not json at all',
  JSON.stringify({
    specversion: '1.0',
    id: 'bad-1',
    source: 'identity-platform',
    type: 'IdRegistered',
    time: '2025-10-12T09:30:00+09:00',
    data: { orgId: 'org-00001' },
  }),
  JSON.stringify({
    specversion: '1.0',
    id: 'bad-2',
    source: 'identity-platform',
    type: 'IdRegistered',
    time: '2025-10-12T09:30:00',
    data: { orgId: 'org-00001', idId: 'x' },
  }),
  JSON.stringify({
    specversion: '1.0',
    id: 'bad-3',
    source: 'identity-platform',
    type: 'IdFrobnicated',
    time: '2025-10-12T09:30:00+09:00',
    data: {},
  }),
];

const orgOf = (event: CloudEvent) => String(event.data.orgId ?? event.data.holderOrgId);
const isContract = (line: string) =>
  /"type":"(ContractOpened|IdServiceAdded|HeadcountChanged|ContractClosed)"/.test(line);

/**
 * The service through a real Kafka broker (issue 5): producers key messages by
 * organisation, some in binary mode, some twice, some invalid; charges are read back from
 * `billing.charges` with an independent consumer and compared with what the CLI issues for
 * the same events.
 */
describe('serve with Kafka and PostgreSQL', () => {
  let kafkaServer: Awaited<ReturnType<typeof kafkaBrokersForTests>>;
  let pgServer: Awaited<ReturnType<typeof postgresUrlForTests>>;
  let kafka: Kafka;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    [kafkaServer, pgServer] = await Promise.all([kafkaBrokersForTests(), postgresUrlForTests()]);
    kafka = new Kafka({ brokers: [...kafkaServer.brokers], logLevel: logLevel.ERROR });
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await kafkaServer.release();
    await pgServer.release();
  });

  /** Topics, group and database of one test, so tests never see each other's messages. */
  async function world() {
    const suffix = uniqueSuffix();
    const database = await createPostgresDatabase(pgServer.url);
    cleanups.push(() => database.drop());
    const topics = {
      identity: `identity.events.${suffix}`,
      contracts: `billing.contracts.${suffix}`,
      charges: `billing.charges.${suffix}`,
      deadLetter: `billing.dead-letter.${suffix}`,
    };
    // Created up front, as in production: producing to a missing topic races its auto-creation.
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 4 })),
    });
    await admin.disconnect();
    const env = {
      KAFKA_BROKERS: kafkaServer.brokers.join(','),
      KAFKA_GROUP_ID: `billing-${suffix}`,
      KAFKA_TOPIC_IDENTITY: topics.identity,
      KAFKA_TOPIC_CONTRACTS: topics.contracts,
      KAFKA_TOPIC_CHARGES: topics.charges,
      KAFKA_TOPIC_DEAD_LETTER: topics.deadLetter,
      DATABASE_URL: database.url,
    };
    const startService = async () => {
      const service = await ServiceProcess.start(env);
      cleanups.push(() => service.stop());
      return service;
    };
    const storedInputEvents = async () => {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ count: number }>(
          "SELECT count(*)::int AS count FROM billing_events WHERE type NOT LIKE 'Charge%'",
        );
        return rows[0]!.count;
      } finally {
        await client.end();
      }
    };
    return { topics, env, startService, storedInputEvents };
  }

  /** Produces lines keyed by organisation; every third valid identity event goes in binary mode. */
  async function produce(topics: { identity: string; contracts: string }, lines: readonly string[]): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    const byTopic = new Map<string, Message[]>();
    lines.forEach((line, i) => {
      let event: CloudEvent | null = null;
      try {
        event = JSON.parse(line) as CloudEvent;
      } catch {
        // invalid input is produced as it is
      }
      const topic = isContract(line) ? topics.contracts : topics.identity;
      const message: Message =
        event?.data &&
        i % 3 === 0 &&
        !isContract(line) &&
        event.type !== 'IdFrobnicated' &&
        typeof event.id === 'string' &&
        line.includes('+09:00')
          ? binaryMessage(event, line)
          : { key: event?.data ? orgOf(event) : 'unknown', value: line };
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), message]);
    });
    for (const [topic, messages] of byTopic) {
      for (let i = 0; i < messages.length; i += 5000)
        await producer.send({ topic, messages: messages.slice(i, i + 5000) });
    }
    await producer.disconnect();
  }

  function binaryMessage(event: CloudEvent, line: string): Message {
    const { specversion, id, source, type, time, data } = JSON.parse(line) as Record<string, unknown>;
    return {
      key: orgOf(event),
      value: JSON.stringify(data),
      headers: {
        ce_specversion: String(specversion),
        ce_id: String(id),
        ce_source: String(source),
        ce_type: String(type),
        ce_time: String(time),
        'content-type': 'application/json',
      },
    };
  }

  /** What the CLI issues for the same valid events and closes: the reference. */
  async function referenceCharges(
    batches: readonly (readonly string[])[],
    closes: readonly string[][],
  ): Promise<ChargeEvent[]> {
    const data = ['--data', tempDir()];
    const issued: ChargeEvent[] = [];
    for (const [i, lines] of batches.entries()) {
      const file = join(tempDir(), `batch-${i}.ndjson`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      expect((await billing(['ingest', file, ...data])).code).toBe(0);
      for (const asOf of closes[i] ?? [])
        issued.push(
          ...ndjson<ChargeEvent>((await billing(['close', '--as-of', asOf, '--format', 'ndjson', ...data])).stdout),
        );
    }
    return issued;
  }

  it('ingests from Kafka, closes, and publishes exactly the expected charges; invalid input goes to the dead-letter topic', async () => {
    const { topics, env: _env, startService, storedInputEvents } = await world();
    const generated = [
      ...workload({ seed: 21, organisations: 25, events: 3000, duplicateShare: 0.03, lateShare: 0.02 }),
    ];
    const first = [...readFileSync(join(WORKED_EXAMPLE, 'events-1.ndjson'), 'utf8').trim().split('\n'), ...generated];
    const second = readFileSync(join(WORKED_EXAMPLE, 'events-2.ndjson'), 'utf8').trim().split('\n');
    const closes = [['2025-11-01T01:00:00+09:00'], ['2025-12-01T02:00:00+09:00', '2026-10-01T01:00:00+09:00']];
    const reference = await referenceCharges([first, second], closes);
    const uniqueValid = new Set([...first, ...second].map((line) => (JSON.parse(line) as CloudEvent).id)).size;

    const service = await startService();
    await produce(topics, [...first, ...INVALID_LINES]);
    await waitFor(
      async () => (await storedInputEvents()) === uniqueValid - second.length,
      60_000,
      () => 'first batch stored',
    );
    for (const asOf of closes[0]!) await service.post(`/v1/admin/close?asOf=${encodeURIComponent(asOf)}`);
    await produce(topics, second);
    await waitFor(
      async () => (await storedInputEvents()) === uniqueValid,
      60_000,
      () => 'second batch stored',
    );
    for (const asOf of closes[1]!) await service.post(`/v1/admin/close?asOf=${encodeURIComponent(asOf)}`);

    const published = await readMessages(kafka, topics.charges, reference.length, 60_000);
    const received = new Map(published.map((m) => [JSON.parse(m.value!.toString()).id as string, m]));
    expect(reference.some((c) => (c as unknown as { type: string }).type === 'ChargeAdjusted')).toBe(true);
    expect([...received.keys()].sort()).toEqual(reference.map((c) => c.id).sort());
    for (const charge of reference) {
      const message = received.get(charge.id)!;
      expect(JSON.parse(message.value!.toString())).toEqual(charge);
      expect(message.key!.toString()).toBe(charge.data.orgId);
    }

    const dead = await readMessages(kafka, topics.deadLetter, INVALID_LINES.length, 30_000);
    expect(dead.map((m) => m.value!.toString()).sort()).toEqual([...INVALID_LINES].sort());
  });

  it('loses nothing and counts nothing twice when killed with SIGKILL mid-stream', async () => {
    const { topics, startService, storedInputEvents, env } = await world();
    const lines = [...workload({ seed: 22, organisations: 40, events: 40_000, duplicateShare: 0.02 })];
    const uniqueValid = new Set(lines.map((line) => (JSON.parse(line) as CloudEvent).id)).size;
    await produce(topics, lines);

    const crashing = await startService();
    await waitFor(
      async () => (await storedInputEvents()) >= 4000,
      60_000,
      () => 'part of the stream stored',
    );
    await crashing.kill();
    const stored = await storedInputEvents();
    expect(stored).toBeLessThan(uniqueValid);

    const restarted = await startService();
    await waitFor(
      async () => (await storedInputEvents()) === uniqueValid,
      120_000,
      () => 'whole stream stored after restart',
    );
    const asOf = '2026-10-01T01:00:00+09:00';
    const issued = (await restarted.post<{ issued: ChargeEvent[] }>(`/v1/admin/close?asOf=${encodeURIComponent(asOf)}`))
      .issued;
    await restarted.stop();

    const replay = await billing(['replay'], { env });
    expect(JSON.parse(replay.stdout)).toMatchObject({ equal: true, events: uniqueValid + issued.length });
    const reference = await referenceCharges([lines], [[asOf]]);
    expect(issued.map((c) => JSON.stringify(c)).sort()).toEqual(reference.map((c) => JSON.stringify(c)).sort());
  });

  it('shares the partitions between two instances of one group, which together count what one would', async () => {
    const { topics, startService, storedInputEvents } = await world();
    const lines = [...workload({ seed: 23, organisations: 60, events: 20_000 })];
    const random = new SeededRandom(5);
    const redelivered = [...lines, ...lines.filter(() => random.chance(0.1))];
    const uniqueValid = new Set(lines.map((line) => (JSON.parse(line) as CloudEvent).id)).size;

    const [one, two] = await Promise.all([startService(), startService()]);
    await produce(topics, redelivered);
    await waitFor(
      async () => (await storedInputEvents()) === uniqueValid,
      120_000,
      () => 'stream stored by two instances',
    );

    const admin = kafka.admin();
    await admin.connect();
    const { groups } = await admin.describeGroups([`billing-${topics.identity.split('.').pop()}`]);
    await admin.disconnect();
    expect(groups[0]!.members).toHaveLength(2);

    const asOf = '2026-10-01T01:00:00+09:00';
    const issued = [
      ...(await one.post<{ issued: ChargeEvent[] }>(`/v1/admin/close?asOf=${encodeURIComponent(asOf)}`)).issued,
      ...(await two.post<{ issued: ChargeEvent[] }>(`/v1/admin/close?asOf=${encodeURIComponent(asOf)}`)).issued,
    ];
    const reference = await referenceCharges([lines], [[asOf]]);
    expect(issued.map((c) => JSON.stringify(c)).sort()).toEqual(reference.map((c) => JSON.stringify(c)).sort());
  });

  it('closes a period on its own when the clock passes its end plus the grace, and publishes the charges', async () => {
    const { topics, env } = await world();
    const service = await ServiceProcess.start({
      ...env,
      BILLING_CLOCK_START: '2025-11-01T00:59:50+09:00',
      SCHEDULER_INTERVAL: '1s',
    });
    cleanups.push(() => service.stop());
    const response = await fetch(`${service.base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: readFileSync(join(WORKED_EXAMPLE, 'events-1.ndjson')),
    });
    expect(response.status).toBe(200);

    const published = await readMessages(kafka, topics.charges, 3, 60_000);
    expect(
      published
        .map(
          (m) =>
            JSON.parse(m.value!.toString()) as {
              type: string;
              time: string;
              data: { kind: string; period: string; amount: number };
            },
        )
        .map(({ type, data }) => [type, data.kind, data.period, data.amount])
        .sort(),
    ).toEqual([
      ['ChargeIssued', 'id-registration', '2025-10', 300],
      ['ChargeIssued', 'initial-fee', '2025-10', 300000],
      ['ChargeIssued', 'monthly-fee', '2025-10', 600],
    ]);
  });
});
