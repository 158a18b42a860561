import { Consumer, Kafka } from 'kafkajs';
import { KafkaEventConsumer } from '../../src/kafka/event-consumer';
import { silentKafkaLogger } from '../../src/kafka/kafka-logger';

const EVENTS = {
  GROUP_JOIN: 'consumer.group_join',
  COMMIT_OFFSETS: 'consumer.commit_offsets',
  CRASH: 'consumer.crash',
};

/** What the consumer uses of a kafkajs consumer, recording what was done to it. */
class ScriptedConsumer {
  readonly events = EVENTS;
  readonly listeners = new Map<string, ((event: { payload: unknown }) => void)[]>();
  disconnected = false;

  constructor(private readonly joins: boolean) {}

  on(event: string, listener: (event: { payload: unknown }) => void): () => void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return () => undefined;
  }
  emit(event: string, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener({ payload });
  }
  connect = async () => undefined;
  subscribe = async () => undefined;
  disconnect = async () => {
    this.disconnected = true;
  };
  run = async () => {
    if (this.joins) this.emit(EVENTS.GROUP_JOIN, { memberId: 'm', memberAssignment: {} });
  };
}

function scriptedKafka(joins: readonly boolean[]): { kafka: Kafka; made: ScriptedConsumer[] } {
  const made: ScriptedConsumer[] = [];
  const kafka = {
    consumer: () => {
      const consumer = new ScriptedConsumer(joins[made.length] ?? true);
      made.push(consumer);
      return consumer as unknown as Consumer;
    },
  } as unknown as Kafka;
  return { kafka, made };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
};

function consumerOf(kafka: Kafka): KafkaEventConsumer {
  return new KafkaEventConsumer({
    kafka,
    config: {
      groupId: 'g',
      topics: {
        identity: 'identity.events',
        contracts: 'billing.contracts',
        charges: 'billing.charges',
        deadLetter: 'billing.dead-letter',
      },
    },
    handler: async () => async () => [],
    deadLetters: { publishRejected: async () => undefined },
    logger: silentKafkaLogger,
    restartBackoff: { initialMs: 10, maxMs: 40 },
  });
}

describe('the Kafka event consumer after kafkajs gives up', () => {
  it('starts again by itself, with a new kafkajs consumer, and runs', async () => {
    const { kafka, made } = scriptedKafka([true, true]);
    const consumer = consumerOf(kafka);
    await consumer.start();
    await consumer.joined();
    expect(consumer.state).toBe('running');

    made[0]!.emit(EVENTS.CRASH, { error: new Error('Failed to find group coordinator'), restart: false });
    expect(consumer.state).toBe('crashed');
    await until(() => made.length === 2 && consumer.state === 'running');
    expect(made[0]!.disconnected).toBe(true);
    await consumer.stop();
    expect(consumer.state).toBe('stopped');
  });

  it('leaves a crash that kafkajs restarts itself to kafkajs', async () => {
    const { kafka, made } = scriptedKafka([true]);
    const consumer = consumerOf(kafka);
    await consumer.start();
    await consumer.joined();
    made[0]!.emit(EVENTS.CRASH, { error: new Error('retriable'), restart: true });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(made).toHaveLength(1);
    expect(consumer.state).toBe('running');
    await consumer.stop();
  });

  it('does not start again once stopped while waiting to', async () => {
    const { kafka, made } = scriptedKafka([true]);
    const consumer = consumerOf(kafka);
    await consumer.start();
    await consumer.joined();
    made[0]!.emit(EVENTS.CRASH, { error: new Error('gone'), restart: false });
    await consumer.stop();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(made).toHaveLength(1);
    expect(consumer.state).toBe('stopped');
  });
});
