/**
 * `billing ingest` with the inputs that stopped it before (issue 12): it exits 0 with its
 * summary whatever the bytes, lists every rejected line whole, and a store outage in the
 * middle of a file is exit 1 with one line, after which the same file ingests completely.
 */
import { Client } from 'pg';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { SAMPLE_TARIFF } from '../../apps/billing/src/composition/runtime-options';
import { ThrowawayPostgres, startThrowawayPostgres } from '../infra/postgres';
import { ROOT, WORKED_EXAMPLE, billing, ndjson, tempDir } from '../support/cli';
import { workload } from '../workload/workload';

jest.setTimeout(300_000);

const valid = (id: string, idId = `m-${id}`) =>
  JSON.stringify({
    specversion: '1.0',
    id,
    source: 'identity-platform',
    type: 'IdRegistered',
    time: '2025-10-12T09:30:00+09:00',
    data: { orgId: 'acme', idId },
  });

interface Letter {
  source: string;
  reason: string;
  raw: string | null;
  rawBase64: string;
  key: string | null;
  headers: Record<string, string> | null;
}

describe('billing ingest with hostile lines', () => {
  const hostile: readonly [string, Buffer][] = [
    ['a NUL first', Buffer.concat([Buffer.from([0]), Buffer.from(valid('h-1'))])],
    ['a raw NUL as a value', Buffer.from('{"id":\u0000"h-2"}')],
    [
      'an identifier nested 5,000 levels',
      Buffer.from(valid('h-3').replace('"m-h-3"', `${'['.repeat(5000)}${']'.repeat(5000)}`)),
    ],
    [
      'an envelope field nested 5,000 levels',
      Buffer.from(valid('h-4').replace('"identity-platform"', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`)),
    ],
    ['two byte order marks', Buffer.concat([Buffer.from('\ufeff\ufeff'), Buffer.from(valid('h-5'))])],
    [
      'bytes that are not UTF-8',
      Buffer.concat([Buffer.from(valid('h-6')).subarray(0, 20), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    ],
  ];

  it('exits 0 with its summary, and every rejected line is a dead letter, whole', async () => {
    const dir = tempDir('hostile-');
    const file = join(dir, 'hostile.ndjson');
    const lines = [
      Buffer.from(valid('ok-1')),
      ...hostile.map(([, bytes]) => bytes),
      Buffer.from(`\ufeff${valid('ok-2')}`),
    ];
    writeFileSync(file, Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')])));
    const store = ['--data', join(dir, 'data'), '--tariff', join(WORKED_EXAMPLE, 'tariff.json')];

    const result = await billing(['ingest', file, ...store]);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('billing:');
    expect(result.stdout.trim().split('\n')).toEqual([
      JSON.stringify({ accepted: 2, duplicates: 0, rejected: hostile.length }),
    ]);

    const letters = ndjson<Letter>((await billing(['dead-letters', '--format', 'ndjson', ...store])).stdout);
    expect(letters).toHaveLength(hostile.length);
    hostile.forEach(([what, bytes], i) => {
      const letter = letters.find((l) => l.source === `${file}:${i + 2}`)!;
      expect({ what, bytes: letter.rawBase64 }).toEqual({ what, bytes: bytes.toString('base64') });
      expect(letter.raw).toBe(what === 'bytes that are not UTF-8' ? null : bytes.toString('utf8'));
      expect(letter.reason).not.toMatch(/\p{Cc}/u);
      expect({ key: letter.key, headers: letter.headers }).toEqual({ key: null, headers: null });
    });
    expect(letters.find((l) => l.source === `${file}:4`)!.reason).toBe('data.idId: must be a string');
    expect(letters.find((l) => l.source === `${file}:2`)!.reason).toMatch(/^not JSON: .*\\u0000/);
  });
});

describe('billing ingest when PostgreSQL stops in the middle of a file', () => {
  let cluster: ThrowawayPostgres;

  beforeAll(async () => {
    cluster = await startThrowawayPostgres();
  }, 120_000);

  afterAll(() => cluster?.destroy(), 60_000);

  async function storedEvents(): Promise<number> {
    const client = new Client({ connectionString: cluster.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'billing_events'",
      );
      if (rows[0]!.n === 0) return 0;
      return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM billing_events')).rows[0]!.n;
    } finally {
      await client.end();
    }
  }

  it('exits 1 with one line, and the same file then ingests completely', async () => {
    const lines = [...workload({ seed: 31, organisations: 20, events: 150_000 })];
    const file = join(tempDir('outage-'), 'big.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const env = { ...process.env, DATABASE_URL: cluster.url, BILLING_DATA_DIR: '', BILLING_TARIFF: SAMPLE_TARIFF };

    const child = spawn(process.execPath, [join(ROOT, 'bin/billing.js'), 'ingest', file], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    const deadline = Date.now() + 120_000;
    while ((await storedEvents()) < 2_000) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`ingest did not get going: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await cluster.stop({ mode: 'immediate', keepData: true });
    const [code] = await exited;
    await cluster.start();

    expect(code).toBe(1);
    expect(stdout).toBe('');
    // Progress lines, then the one line that says what failed: no stack, no echo of the driver's noise.
    const errorLines = stderr
      .trim()
      .split('\n')
      .filter((line) => !/^(ingest|projections): \d+/.test(line));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/^billing: /);
    expect(errorLines[0]!.length).toBeLessThan(500);
    const before = await storedEvents();
    expect(before).toBeLessThan(new Set(lines.map((line) => (JSON.parse(line) as { id: string }).id)).size);

    const again = await billing(['ingest', file], {
      env: { DATABASE_URL: cluster.url, BILLING_TARIFF: SAMPLE_TARIFF },
    });
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout) as { accepted: number; duplicates: number; rejected: number };
    expect(summary.rejected).toBe(0);
    expect(summary.accepted + summary.duplicates).toBe(lines.length);
    expect(await storedEvents()).toBe(new Set(lines.map((line) => (JSON.parse(line) as { id: string }).id)).size);
  });
});
