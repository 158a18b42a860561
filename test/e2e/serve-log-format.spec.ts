/**
 * `billing serve` (what `npm start` runs) logs readable lines at a terminal and JSON lines
 * otherwise. The terminal is a real pseudo-terminal, from util-linux's `script`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort } from '../infra/util';
import { ROOT, tempDir } from '../support/cli';
import { ServiceProcess } from '../support/service-process';

const READY = /billing serving on http:\/\/127\.0\.0\.1:\d+/;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

async function outputUntil(child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(output)) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} after ${timeoutMs} ms: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return output;
}

describe('serve logs', () => {
  it('at a terminal: readable lines, no JSON', async () => {
    const port = await freePort();
    const command = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'bin/billing.js'))} serve`;
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        BILLING_DATA_DIR: tempDir(),
        SCHEDULER_INTERVAL: '0',
        LOG_LEVEL: 'info',
        LOG_FORMAT: '',
        KAFKA_BROKERS: '',
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      const lines = (await outputUntil(child, READY)).replace(ANSI, '').split(/\r?\n/).filter(Boolean);
      expect(lines.some((line) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[serve\] billing serving on /.test(line))).toBe(
        true,
      );
      expect(lines.filter((line) => line.trimStart().startsWith('{'))).toEqual([]);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('otherwise: one JSON object a line', async () => {
    const service = await ServiceProcess.start({ BILLING_DATA_DIR: tempDir(), LOG_LEVEL: 'info', LOG_FORMAT: '' });
    try {
      const lines = service.log.split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(0);
      const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
      expect(entries.some((entry) => READY.test(entry.msg))).toBe(true);
    } finally {
      await service.stop();
    }
  });
});
