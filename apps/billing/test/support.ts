import { INestApplication } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceConfigFromEnv } from '../src/config/service-config';
import { createService } from '../src/main';

export const EXAMPLE = join(__dirname, '../../../test/fixtures/worked-example');

export interface RunningService {
  readonly app: INestApplication;
  readonly base: string;
  readonly dataDir: string;
}

/** A real listening service on the embedded store (scheduler off, logs silent). */
export async function startService(env: NodeJS.ProcessEnv = {}): Promise<RunningService> {
  const dataDir = env.BILLING_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'serve-'));
  const config = serviceConfigFromEnv({
    BILLING_TARIFF: join(EXAMPLE, 'tariff.json'),
    SCHEDULER_INTERVAL: '0',
    LOG_LEVEL: 'silent',
    ...env,
    BILLING_DATA_DIR: dataDir,
  });
  const app = await createService(config);
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`, dataDir };
}

/** Prometheus text exposition as `name{labels}` → value (label order as exposed). */
export function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}
