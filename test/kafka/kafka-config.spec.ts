import { DEFAULT_KAFKA_TOPICS, kafkaConfigFromEnv } from '../../libs/adapters/src/kafka/kafka-config';

describe('kafkaConfigFromEnv', () => {
  it('is null without KAFKA_BROKERS (or with a blank one): the service runs without Kafka', () => {
    expect(kafkaConfigFromEnv({})).toBeNull();
    expect(kafkaConfigFromEnv({ KAFKA_BROKERS: '  ', KAFKA_GROUP_ID: 'x' })).toBeNull();
  });

  it('reads the broker list and applies the defaults', () => {
    expect(kafkaConfigFromEnv({ KAFKA_BROKERS: ' kafka-1:9092, 10.0.0.2:19092 ,[::1]:9093' })).toEqual({
      brokers: ['kafka-1:9092', '10.0.0.2:19092', '[::1]:9093'],
      clientId: 'smartme-billing',
      groupId: 'smartme-billing',
      topics: {
        identity: 'identity.events',
        contracts: 'billing.contracts',
        charges: 'billing.charges',
        deadLetter: 'billing.dead-letter',
      },
      sessionTimeoutMs: 10_000,
    });
  });

  it('takes every name from its variable', () => {
    const config = kafkaConfigFromEnv({
      KAFKA_BROKERS: 'b:1',
      KAFKA_CLIENT_ID: 'billing-7',
      KAFKA_GROUP_ID: 'billing-prod',
      KAFKA_TOPIC_IDENTITY: 'idp.events',
      KAFKA_TOPIC_CONTRACTS: 'crm.contracts',
      KAFKA_TOPIC_CHARGES: 'invoicing.charges',
      KAFKA_TOPIC_DEAD_LETTER: 'billing.dlq',
    });
    expect(config).toEqual({
      brokers: ['b:1'],
      clientId: 'billing-7',
      groupId: 'billing-prod',
      topics: {
        identity: 'idp.events',
        contracts: 'crm.contracts',
        charges: 'invoicing.charges',
        deadLetter: 'billing.dlq',
      },
      sessionTimeoutMs: 10_000,
    });
    expect(DEFAULT_KAFKA_TOPICS.identity).toBe('identity.events');
  });

  it('reads the session timeout as a duration or milliseconds', () => {
    expect(kafkaConfigFromEnv({ KAFKA_BROKERS: 'b:1', KAFKA_SESSION_TIMEOUT: '45s' })?.sessionTimeoutMs).toBe(45_000);
    expect(kafkaConfigFromEnv({ KAFKA_BROKERS: 'b:1', KAFKA_SESSION_TIMEOUT: '6000' })?.sessionTimeoutMs).toBe(6_000);
  });

  it.each([
    [{ KAFKA_BROKERS: 'kafka-1' }, /^KAFKA_BROKERS: "kafka-1" is not host:port/],
    [{ KAFKA_BROKERS: 'a:9092,,b:9092' }, /^KAFKA_BROKERS: empty entry/],
    [{ KAFKA_BROKERS: 'a:99999' }, /^KAFKA_BROKERS: "a:99999" has port 99999/],
    [{ KAFKA_BROKERS: 'PLAINTEXT://a:9092' }, /^KAFKA_BROKERS: "PLAINTEXT:\/\/a:9092" is not host:port/],
    [
      { KAFKA_BROKERS: 'a:1', KAFKA_TOPIC_CHARGES: 'billing charges' },
      /^KAFKA_TOPIC_CHARGES: "billing charges" is not a Kafka topic name/,
    ],
    [
      { KAFKA_BROKERS: 'a:1', KAFKA_TOPIC_DEAD_LETTER: 'identity.events' },
      /^KAFKA_TOPIC_DEAD_LETTER: "identity.events" is also the KAFKA_TOPIC_IDENTITY topic/,
    ],
    [{ KAFKA_BROKERS: 'a:1', KAFKA_GROUP_ID: 'my group' }, /^KAFKA_GROUP_ID: "my group" must be/],
    [{ KAFKA_BROKERS: 'a:1', KAFKA_SESSION_TIMEOUT: '2s' }, /^KAFKA_SESSION_TIMEOUT: "2s" must be a duration from 6s/],
    [{ KAFKA_BROKERS: 'a:1', KAFKA_SESSION_TIMEOUT: 'soon' }, /^KAFKA_SESSION_TIMEOUT: "soon" must be/],
    [{ KAFKA_BROKERS: 'a:1', KAFKA_SESSION_TIMEOUT: '2h' }, /^KAFKA_SESSION_TIMEOUT: "2h" must be/],
  ])('rejects %j with a one-line message naming the variable', (env, message) => {
    let error: unknown;
    try {
      kafkaConfigFromEnv(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
