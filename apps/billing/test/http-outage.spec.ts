import { INestApplication } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ThrowawayPostgres, startThrowawayPostgres } from '../../../test/infra/postgres';
import { serviceConfigFromEnv } from '../src/config/service-config';
import { createService } from '../src/main';
import { EXAMPLE } from './support';

/**
 * POST /v1/events while PostgreSQL is down (issue 12): a store outage is the one answer
 * for the whole request, 503 as a problem document, never 500; nothing of the request is
 * claimed, and the same request succeeds once the store is back.
 */
describe('HTTP ingestion during a store outage', () => {
  let cluster: ThrowawayPostgres;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    cluster = await startThrowawayPostgres();
    app = await createService(
      serviceConfigFromEnv({
        DATABASE_URL: cluster.url,
        BILLING_TARIFF: join(EXAMPLE, 'tariff.json'),
        SCHEDULER_INTERVAL: '0',
        LOG_LEVEL: 'silent',
      }),
    );
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await cluster?.destroy();
  }, 60_000);

  const line = (id: string) =>
    JSON.stringify({
      specversion: '1.0',
      id,
      source: 'identity-platform',
      type: 'IdRegistered',
      time: '2025-10-12T09:30:00+09:00',
      data: { orgId: 'acme', idId: id },
    });
  const body = `${line('o-1')}\n\u0000not json\n${line('o-2')}\n`;
  const post = () =>
    fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });

  it('answers 503 while the store is down, and the same request once it is back', async () => {
    await cluster.stop({ mode: 'immediate', keepData: true });
    try {
      const refused = await post();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(await refused.json()).toMatchObject({ status: 503, title: 'store unavailable' });
    } finally {
      await cluster.start();
    }
    const response = await post();
    expect(response.status).toBe(200);
    expect(((await response.json()) as { results: { status: string }[] }).results.map((r) => r.status)).toEqual([
      'accepted',
      'rejected',
      'accepted',
    ]);
  });
});
