import { INestApplication } from '@nestjs/common';
import { BillingRuntime } from '../src/composition/billing-runtime';
import { BILLING_RUNTIME } from '../src/runtime/tokens';
import { startService } from './support';

describe('billing service over HTTP', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    ({ app, base } = await startService());
  });

  afterAll(() => app.close());

  it('answers its liveness probe without checking dependencies', async () => {
    const response = await fetch(`${base}/health/live`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(await response.json()).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('is ready when the store answers, and says Kafka is not configured', async () => {
    const checks = { store: { status: 'up' }, kafka: { status: 'up', message: 'not configured' } };
    const response = await fetch(`${base}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', info: checks, error: {}, details: checks });
  });

  it('is not ready while the store does not answer: a 503 problem document naming the check', async () => {
    const runtime = app.get<BillingRuntime>(BILLING_RUNTIME);
    const query = runtime.client.query.bind(runtime.client);
    runtime.client.query = (() => Promise.reject(new Error('connection refused'))) as typeof runtime.client.query;
    try {
      const response = await fetch(`${base}/health/ready`);
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toEqual({
        type: 'about:blank',
        title: 'not ready',
        status: 503,
        detail: 'down: store',
        info: { kafka: { status: 'up', message: 'not configured' } },
        error: { store: { status: 'down', message: 'connection refused' } },
        details: {
          store: { status: 'down', message: 'connection refused' },
          kafka: { status: 'up', message: 'not configured' },
        },
      });
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
    } finally {
      runtime.client.query = query;
    }
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
  });
});
