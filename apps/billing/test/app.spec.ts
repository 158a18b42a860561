import { INestApplication } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceConfigFromEnv } from '../src/config/service-config';
import { createService } from '../src/main';

describe('billing service over HTTP', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const config = serviceConfigFromEnv({ BILLING_DATA_DIR: mkdtempSync(join(tmpdir(), 'serve-')), SCHEDULER_INTERVAL: '0', LOG_LEVEL: 'silent' });
    app = await createService(config);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(() => app.close());

  it('answers its liveness and readiness probes', async () => {
    expect(await (await fetch(`${base}/health/live`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${base}/health/ready`)).json()).toEqual({ status: 'ok', checks: { store: 'up', kafka: 'not configured' } });
  });
});
