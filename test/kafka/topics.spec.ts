/**
 * The declared topics on a real broker: `billing topics --create` creates the missing ones with
 * their partitions, retention and cleanup policy and leaves existing ones alone, and `serve`
 * does the same at start unless KAFKA_CREATE_TOPICS is off, when it names the missing ones.
 */
import { Admin, ConfigResourceTypes } from 'kafkajs';
import { billing, ndjson, tempDir } from '../support/cli';
import { ServiceProcess } from '../support/service-process';
import { kafkaBrokersForTests } from '../infra/kafka';
import { quietKafka, uniqueSuffix } from './support';

jest.setTimeout(120_000);

let brokers: string[];
let release: () => Promise<void>;
let admin: Admin;

beforeAll(async () => {
  ({ brokers, release } = await kafkaBrokersForTests());
  admin = quietKafka(brokers).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await release?.();
});

interface TopicEnv {
  readonly KAFKA_BROKERS: string;
  readonly KAFKA_TOPIC_IDENTITY: string;
  readonly KAFKA_TOPIC_CONTRACTS: string;
  readonly KAFKA_TOPIC_CHARGES: string;
  readonly KAFKA_TOPIC_DEAD_LETTER: string;
}

function topicEnv(suffix: string): TopicEnv {
  return {
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_IDENTITY: `identity.events.${suffix}`,
    KAFKA_TOPIC_CONTRACTS: `billing.contracts.${suffix}`,
    KAFKA_TOPIC_CHARGES: `billing.charges.${suffix}`,
    KAFKA_TOPIC_DEAD_LETTER: `billing.dead-letter.${suffix}`,
  };
}

async function topicConfig(topic: string): Promise<Record<string, string>> {
  const described = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }],
    includeSynonyms: false,
  });
  return Object.fromEntries(
    described.resources[0]!.configEntries.map((entry) => [entry.configName, entry.configValue]),
  );
}

async function partitionsOf(topic: string): Promise<number> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return topics[0]!.partitions.length;
}

describe('billing topics --create', () => {
  it('creates the missing topics as declared, leaves existing ones alone, and does nothing the second time', async () => {
    const env = { ...topicEnv(uniqueSuffix()), KAFKA_TOPIC_PARTITIONS: '3' };
    // An operator's own topic, with settings of its own.
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: env.KAFKA_TOPIC_CONTRACTS, numPartitions: 1 }],
    });

    const first = await billing(['topics', '--create', '--format', 'ndjson'], { env });
    expect(first.code).toBe(0);
    expect(ndjson(first.stdout).map((row) => [row.topic, row.created])).toEqual([
      [env.KAFKA_TOPIC_IDENTITY, true],
      [env.KAFKA_TOPIC_CONTRACTS, false],
      [env.KAFKA_TOPIC_CHARGES, true],
      [env.KAFKA_TOPIC_DEAD_LETTER, true],
    ]);
    expect(await partitionsOf(env.KAFKA_TOPIC_IDENTITY)).toBe(3);
    expect(await partitionsOf(env.KAFKA_TOPIC_CONTRACTS)).toBe(1);
    expect(await topicConfig(env.KAFKA_TOPIC_CHARGES)).toEqual({
      'retention.ms': String(30 * 86_400_000),
      'cleanup.policy': 'delete',
    });
    expect((await topicConfig(env.KAFKA_TOPIC_IDENTITY))['retention.ms']).toBe(String(7 * 86_400_000));

    const second = await billing(['topics', '--create', '--format', 'ndjson'], { env });
    expect(ndjson(second.stdout).map((row) => row.created)).toEqual([false, false, false, false]);
  });

  it('says that it needs KAFKA_BROKERS (exit 2)', async () => {
    const result = await billing(['topics', '--create'], { env: { KAFKA_BROKERS: '' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('KAFKA_BROKERS is not set');
  });
});

describe('serve', () => {
  it('creates the missing topics as declared when it starts (KAFKA_CREATE_TOPICS on by default)', async () => {
    const env = topicEnv(uniqueSuffix());
    const service = await ServiceProcess.start({ ...env, BILLING_DATA_DIR: tempDir() });
    try {
      const topics = await admin.listTopics();
      for (const name of Object.values(env).slice(1)) expect(topics).toContain(name);
      expect((await topicConfig(env.KAFKA_TOPIC_DEAD_LETTER))['retention.ms']).toBe(String(30 * 86_400_000));
    } finally {
      await service.stop();
    }
  });

  it('with KAFKA_CREATE_TOPICS=false creates none, and refuses to start without them, naming them', async () => {
    const env = topicEnv(uniqueSuffix());
    await expect(
      ServiceProcess.start({ ...env, KAFKA_CREATE_TOPICS: 'false', BILLING_DATA_DIR: tempDir() }),
    ).rejects.toThrow(
      new RegExp(
        `serve exited with 1: [\\s\\S]*topics ${Object.values(env).slice(1).join(', ')} do not exist and KAFKA_CREATE_TOPICS is off`,
      ),
    );
    const topics = await admin.listTopics();
    for (const name of Object.values(env).slice(1)) expect(topics).not.toContain(name);
  });
});
