/**
 * The official CloudEvents Java SDK (io.cloudevents, from Maven Central) on both ends of the
 * service, as the teams around it would use it: a producer team's `CloudEventSerializer` in
 * structured and in binary mode feeding the consumer, and an invoicing team's
 * `CloudEventDeserializer` reading the charge events the service publishes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { ChargeEvent } from '@smartme/domain';
import { RawInput, toChargeCloudEvent } from '@smartme/application';
import { BillingRuntime, openBillingRuntime } from '../../apps/billing/src/composition/billing-runtime';
import { KafkaChargePublisher } from '../../libs/adapters/src/kafka/charge-publisher';
import { ProducerConnection } from '../../libs/adapters/src/kafka/producer-connection';
import { ensureTopics } from '../../libs/adapters/src/kafka/topics';
import { kafkaBrokersForTests } from '../infra/kafka';
import { ensureMavenLibs } from '../infra/maven-libs';
import { run } from '../infra/util';
import { quietKafka, startTestConsumer, testKafkaConfig, uniqueSuffix, waitFor } from '../kafka/support';
import { WORKED_EXAMPLE } from '../support/cli';

jest.setTimeout(300_000);

const JAVA_DIR = join(__dirname, 'java');

describe('the CloudEvents Java SDK against the service', () => {
  let kafkaServer: { brokers: string[]; release(): Promise<void> };
  let kafka: Kafka;
  let runtime: BillingRuntime;
  let classpath: string;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    let libs: string;
    [kafkaServer, libs] = await Promise.all([
      kafkaBrokersForTests(),
      ensureMavenLibs(join(JAVA_DIR, 'pom.xml'), 'cloudevents-java-4.0.1'),
    ]);
    const classes = mkdtempSync(join(tmpdir(), 'cloudevents-java-'));
    const jars = join(libs, '*');
    await run('javac', [
      '-d',
      classes,
      '-cp',
      jars,
      ...['ProduceCloudEvents', 'ConsumeCloudEvents'].map((n) => join(JAVA_DIR, `${n}.java`)),
    ]);
    classpath = `${classes}:${jars}`;
    kafka = quietKafka(kafkaServer.brokers);
    runtime = await openBillingRuntime({
      dataDir: mkdtempSync(join(tmpdir(), 'sdk-java-')),
      tariffPath: join(WORKED_EXAMPLE, 'tariff.json'),
      databaseUrl: null,
    });
  }, 600_000);

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await runtime?.shutdown();
    await kafkaServer?.release();
  });

  const java = (main: string, args: readonly string[]) =>
    run('java', ['-cp', classpath, main, ...args], { timeoutMs: 120_000 });

  it("ingests what the SDK's serializer writes, structured and binary, as the same events", async () => {
    const suffix = uniqueSuffix();
    const config = testKafkaConfig(kafkaServer.brokers, suffix);
    const admin = kafka.admin();
    await admin.connect();
    stops.push(() => admin.disconnect());
    await ensureTopics(admin, config);
    const ids = { structured: [`${suffix}-s1`, `${suffix}-s2`], binary: [`${suffix}-b1`, `${suffix}-b2`] };
    const bootstrap = kafkaServer.brokers.join(',');
    await java('ProduceCloudEvents', [bootstrap, config.topics.identity, 'structured', 'acme', ...ids.structured]);
    await java('ProduceCloudEvents', [bootstrap, config.topics.identity, 'binary', 'acme', ...ids.binary]);

    const { consumer, stop } = await startTestConsumer(kafka, config, (inputs: readonly RawInput[]) =>
      runtime.ingestion.prepareBatch(inputs),
    );
    stops.push(stop);
    await waitFor(
      () => consumer.processed >= 4,
      60_000,
      () => `processed ${consumer.processed}`,
    );
    expect(consumer.counts).toMatchObject({ accepted: 4, rejected: 0 });

    const stored = new Map<string, unknown>();
    for await (const batch of runtime.events.readAll({ after: 0n }))
      for (const { event } of batch) if (event.id.startsWith(suffix)) stored.set(event.id, event);
    for (const id of [...ids.structured, ...ids.binary]) {
      expect(stored.get(id)).toEqual({
        id,
        type: 'IdRegistered',
        time: '2025-10-12T09:30:00+09:00',
        data: { orgId: 'acme', idId: `m-${id}` },
      });
    }
  });

  it("publishes charge events the SDK's deserializer reads back whole", async () => {
    const suffix = uniqueSuffix();
    const config = testKafkaConfig(kafkaServer.brokers, suffix);
    const admin = kafka.admin();
    await admin.connect();
    stops.push(() => admin.disconnect());
    await ensureTopics(admin, config);

    async function* inputs(): AsyncGenerator<RawInput> {
      const lines = readFileSync(join(WORKED_EXAMPLE, 'events-1.ndjson'), 'utf8').trim().split('\n');
      for (const [i, line] of lines.entries()) yield { raw: Buffer.from(line), source: `events-1:${i + 1}` };
    }
    await runtime.ingestion.ingestAll(inputs());
    const { issued } = await runtime.close.asOf(Date.parse('2025-11-01T01:00:00+09:00'));
    expect(issued.length).toBeGreaterThan(0);
    const producer = ProducerConnection.idempotent(kafka);
    stops.push(() => producer.close());
    await new KafkaChargePublisher(producer, config.topics.charges).publish(issued);

    const { stdout } = await java('ConsumeCloudEvents', [
      kafkaServer.brokers.join(','),
      config.topics.charges,
      String(issued.length),
    ]);
    const read = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const expected = issued.map((charge: ChargeEvent) => {
      const event = toChargeCloudEvent(charge);
      return {
        key: charge.data.orgId,
        specversion: '1.0',
        id: event.id,
        source: event.source,
        type: event.type,
        subject: event.subject,
        time: new Date(Date.parse(event.time)).toISOString().replace('.000Z', 'Z'),
        data: JSON.parse(JSON.stringify(event.data)),
      };
    });
    const byId = (a: { id?: unknown }, b: { id?: unknown }) => String(a.id).localeCompare(String(b.id));
    expect(read.sort(byId)).toEqual(expected.sort(byId));
  });
});
