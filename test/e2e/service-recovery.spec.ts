/**
 * A restarted `serve` is back within seconds (issue 12): it answers ready without waiting
 * for the consumer group to form, a graceful stop (SIGTERM) leaves the group at once, and
 * after a crash (SIGKILL) consumption resumes once the dead member's session expires
 * (KAFKA_SESSION_TIMEOUT, 10 s by default, not kafkajs's 30 s). The times are printed for
 * the record, not asserted: performance belongs to the benchmarks.
 */
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { createPostgresDatabase } from '../contract/event-store.contract';
import { kafkaBrokersForTests } from '../infra/kafka';
import { postgresUrlForTests } from '../infra/postgres';
import { quietKafka, uniqueSuffix, waitFor } from '../kafka/support';
import { ServiceProcess } from '../support/service-process';

jest.setTimeout(180_000);

describe('serve after a stop or a crash', () => {
  let kafkaServer: { brokers: string[]; release(): Promise<void> };
  let pgServer: { url: string; release(): Promise<void> };
  let database: { url: string; drop(): Promise<void> };
  let kafka: Kafka;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    [kafkaServer, pgServer] = await Promise.all([kafkaBrokersForTests(), postgresUrlForTests()]);
    database = await createPostgresDatabase(pgServer.url);
    kafka = quietKafka(kafkaServer.brokers);
  }, 180_000);

  afterAll(async () => {
    for (const service of services) await service.stop().catch(() => undefined);
    await database?.drop();
    await kafkaServer?.release();
    await pgServer?.release();
  });

  it('is ready at once, leaves its group on SIGTERM, and consumes again after SIGKILL', async () => {
    const suffix = uniqueSuffix();
    const group = `billing-${suffix}`;
    const env = {
      KAFKA_BROKERS: kafkaServer.brokers.join(','),
      KAFKA_GROUP_ID: group,
      KAFKA_TOPIC_IDENTITY: `identity.events.${suffix}`,
      KAFKA_TOPIC_CONTRACTS: `billing.contracts.${suffix}`,
      KAFKA_TOPIC_CHARGES: `billing.charges.${suffix}`,
      KAFKA_TOPIC_DEAD_LETTER: `billing.dead-letter.${suffix}`,
      DATABASE_URL: database.url,
    };
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer();
    await producer.connect();
    const members = async () => (await admin.describeGroups([group])).groups[0]?.members.length ?? 0;
    const stored = async (id: string) => {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query('SELECT 1 FROM billing_events WHERE event_id = $1', [id])).rowCount === 1;
      } finally {
        await client.end();
      }
    };
    const send = (id: string) =>
      producer.send({
        topic: env.KAFKA_TOPIC_IDENTITY,
        messages: [
          {
            key: 'acme',
            value: JSON.stringify({
              specversion: '1.0',
              id,
              source: 'identity-platform',
              type: 'IdRegistered',
              time: '2025-10-12T09:30:00+09:00',
              data: { orgId: 'acme', idId: id },
            }),
          },
        ],
      });
    /** Milliseconds from `since` until an event sent now is stored. */
    const consumedWithin = async (id: string, since: number) => {
      await send(id);
      await waitFor(
        () => stored(id),
        90_000,
        () => `${id} stored`,
      );
      return Date.now() - since;
    };
    const start = async () => {
      const began = Date.now();
      const service = await ServiceProcess.start(env);
      services.push(service);
      return { service, readyMs: Date.now() - began, began };
    };

    try {
      const first = await start();
      await consumedWithin(`${suffix}-first`, first.began);
      expect(await members()).toBe(1);

      await first.service.stop();
      expect(await members()).toBe(0); // SIGTERM left the group: no session to wait out
      const afterStop = await start();
      const afterStopMs = await consumedWithin(`${suffix}-after-stop`, afterStop.began);

      await afterStop.service.kill();
      const afterKill = await start();
      const afterKillMs = await consumedWithin(`${suffix}-after-kill`, afterKill.began);
      await waitFor(
        async () => (await members()) === 1,
        30_000,
        () => 'the dead member is gone from the group',
      );

      console.log(
        `recovery: ready ${afterStop.readyMs} ms and consuming ${afterStopMs} ms after SIGTERM; ` +
          `ready ${afterKill.readyMs} ms and consuming ${afterKillMs} ms after SIGKILL (session timeout 10 s)`,
      );
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});
