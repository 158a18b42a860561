import {
  DEFAULT_KAFKA_TOPICS,
  kafkaConfigFromEnv,
  kafkaTopicsFromEnv,
} from '../../libs/adapters/src/kafka/kafka-config';
import {
  DEFAULT_TOPIC_PROVISIONING,
  declareTopics,
  topicProvisioningFromEnv,
} from '../../libs/adapters/src/kafka/topic-declarations';

const DAY_MS = 86_400_000;

describe('declareTopics', () => {
  it('declares the four topics: inputs kept a week, outputs 30 days, all keyed by organisation', () => {
    expect(declareTopics(DEFAULT_KAFKA_TOPICS)).toEqual([
      expect.objectContaining({ name: 'identity.events', direction: 'in', retentionMs: 7 * DAY_MS }),
      expect.objectContaining({ name: 'billing.contracts', direction: 'in', retentionMs: 7 * DAY_MS }),
      expect.objectContaining({ name: 'billing.charges', direction: 'out', retentionMs: 30 * DAY_MS }),
      expect.objectContaining({ name: 'billing.dead-letter', direction: 'out', retentionMs: 30 * DAY_MS }),
    ]);
    for (const declaration of declareTopics(DEFAULT_KAFKA_TOPICS)) {
      expect(declaration).toMatchObject({ partitions: 4, replicationFactor: null, cleanupPolicy: 'delete' });
      expect(declaration.key).toMatch(/organisation/);
    }
  });

  it('takes the names and the provisioning it is given', () => {
    const topics = { identity: 'a', contracts: 'b', charges: 'c', deadLetter: 'd' };
    const declared = declareTopics(topics, { partitions: 12, replicationFactor: 3 });
    expect(declared.map((d) => [d.role, d.name, d.partitions, d.replicationFactor])).toEqual([
      ['identity', 'a', 12, 3],
      ['contracts', 'b', 12, 3],
      ['charges', 'c', 12, 3],
      ['deadLetter', 'd', 12, 3],
    ]);
  });
});

describe('topicProvisioningFromEnv', () => {
  it('creates missing topics by default, 4 partitions, the broker’s replication factor', () => {
    expect(topicProvisioningFromEnv({})).toEqual(DEFAULT_TOPIC_PROVISIONING);
    expect(DEFAULT_TOPIC_PROVISIONING).toEqual({ create: true, partitions: 4, replicationFactor: null });
  });

  it.each([
    ['false', false],
    ['0', false],
    ['OFF', false],
    ['no', false],
    ['true', true],
    ['1', true],
    [' on ', true],
    ['', true],
  ])('KAFKA_CREATE_TOPICS=%j is %s', (value, create) => {
    expect(topicProvisioningFromEnv({ KAFKA_CREATE_TOPICS: value }).create).toBe(create);
  });

  it('reads partitions and replication factor', () => {
    expect(topicProvisioningFromEnv({ KAFKA_TOPIC_PARTITIONS: '12', KAFKA_TOPIC_REPLICATION_FACTOR: '3' })).toEqual({
      create: true,
      partitions: 12,
      replicationFactor: 3,
    });
  });

  it.each([
    [{ KAFKA_CREATE_TOPICS: 'maybe' }, /^KAFKA_CREATE_TOPICS: "maybe" is not a boolean/],
    [{ KAFKA_TOPIC_PARTITIONS: '0' }, /^KAFKA_TOPIC_PARTITIONS: "0" must be an integer from 1 to 10000/],
    [{ KAFKA_TOPIC_PARTITIONS: '2.5' }, /^KAFKA_TOPIC_PARTITIONS: /],
    [{ KAFKA_TOPIC_REPLICATION_FACTOR: '-1' }, /^KAFKA_TOPIC_REPLICATION_FACTOR: "-1" must be an integer from 1/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => topicProvisioningFromEnv(env)).toThrow(message);
  });
});

describe('kafkaTopicsFromEnv', () => {
  it('reads the names kafkaConfigFromEnv reads, without brokers', () => {
    for (const env of [
      {},
      { KAFKA_TOPIC_IDENTITY: 'idp.events', KAFKA_TOPIC_DEAD_LETTER: 'billing.dlq' },
      { KAFKA_TOPIC_CONTRACTS: ' crm.contracts ', KAFKA_TOPIC_CHARGES: 'invoicing.charges' },
    ]) {
      expect(kafkaTopicsFromEnv(env)).toEqual(kafkaConfigFromEnv({ ...env, KAFKA_BROKERS: 'b:1' })!.topics);
    }
  });

  it('refuses what kafkaConfigFromEnv refuses', () => {
    for (const env of [{ KAFKA_TOPIC_IDENTITY: 'a b' }, { KAFKA_TOPIC_CHARGES: 'identity.events' }]) {
      expect(() => kafkaConfigFromEnv({ ...env, KAFKA_BROKERS: 'b:1' })).toThrow();
      expect(() => kafkaTopicsFromEnv(env)).toThrow();
    }
  });
});
