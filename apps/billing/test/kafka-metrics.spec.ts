import { Kafka, logLevel } from 'kafkajs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaBrokersForTests } from '../../../test/infra/kafka';
import { uniqueSuffix, waitFor } from '../../../test/kafka/support';
import { EXAMPLE, RunningService, parseMetrics, startService } from './support';

/**
 * The service with a real Kafka broker (started from the cached jars, or KAFKA_BROKERS):
 * readiness checks the brokers, the consumer's lag per partition is on /metrics, events
 * consumed are counted like any other input, and the outbox backlog drains as the relay
 * publishes.
 */
describe('metrics and readiness with Kafka', () => {
  let broker: Awaited<ReturnType<typeof kafkaBrokersForTests>>;
  let service: RunningService;
  let kafka: Kafka;
  const suffix = uniqueSuffix();
  const topics = {
    identity: `identity.events.${suffix}`,
    contracts: `billing.contracts.${suffix}`,
    charges: `billing.charges.${suffix}`,
    deadLetter: `billing.dead-letter.${suffix}`,
  };
  const scrape = async () => parseMetrics(await (await fetch(`${service.base}/metrics`)).text());
  const sum = (samples: Map<string, number>, prefix: string) =>
    [...samples].filter(([name]) => name.startsWith(prefix)).reduce((total, [, value]) => total + value, 0);

  beforeAll(async () => {
    broker = await kafkaBrokersForTests();
    kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING });
    service = await startService({
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_GROUP_ID: `billing-${suffix}`,
      OUTBOX_POLL_INTERVAL: '200',
      KAFKA_TOPIC_IDENTITY: topics.identity,
      KAFKA_TOPIC_CONTRACTS: topics.contracts,
      KAFKA_TOPIC_CHARGES: topics.charges,
      KAFKA_TOPIC_DEAD_LETTER: topics.deadLetter,
    });
  }, 180_000);

  afterAll(async () => {
    await service?.app.close();
    await broker?.release();
  });

  it('is ready with the brokers up', async () => {
    const response = await fetch(`${service.base}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      details: { store: { status: 'up' }, kafka: { status: 'up' } },
    });
  });

  it('counts consumed events, exposes the lag of every partition it consumed, and drains the outbox', async () => {
    const lines = readFileSync(join(EXAMPLE, 'events-1.ndjson'), 'utf8').trim().split('\n');
    const producer = kafka.producer();
    await producer.connect();
    const contract = (line: string) => line.includes('"ContractOpened"');
    await producer.send({
      topic: topics.contracts,
      messages: lines.filter(contract).map((value) => ({ key: 'acme', value })),
    });
    await producer.send({
      topic: topics.identity,
      messages: [
        ...lines.filter((line) => !contract(line)).map((value) => ({ key: 'acme', value })),
        { key: 'acme', value: 'not json' },
      ],
    });
    await producer.disconnect();

    let samples = new Map<string, number>();
    await waitFor(
      async () => {
        samples = await scrape();
        return (
          sum(samples, 'billing_events_in_total') === 16 &&
          sum(samples, 'billing_kafka_consumer_lag{') === 0 &&
          [...samples.keys()].filter((name) => name.startsWith('billing_kafka_consumer_lag{')).length >= 2
        );
      },
      60_000,
      () => JSON.stringify([...samples].filter(([name]) => name.startsWith('billing_'))),
    );
    expect(samples.get('billing_events_in_total{type="IdRegistered",outcome="accepted"}')).toBe(4);
    expect(samples.get('billing_events_in_total{type="unknown",outcome="dead-lettered"}')).toBe(1);
    const lagged = [...samples.keys()].filter((name) => name.startsWith('billing_kafka_consumer_lag{'));
    expect(lagged).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`topic="${topics.identity}"`),
        expect.stringContaining(`topic="${topics.contracts}"`),
      ]),
    );

    const close = await fetch(`${service.base}/v1/admin/close?asOf=2025-11-01T01:00:00%2B09:00`, { method: 'POST' });
    expect(((await close.json()) as { issued: unknown[] }).issued).toHaveLength(3);
    await waitFor(
      async () => (await scrape()).get('billing_outbox_backlog') === 0,
      30_000,
      () => 'the outbox backlog did not drain',
    );
  });
});
