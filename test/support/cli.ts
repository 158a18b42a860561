import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../..');
export const WORKED_EXAMPLE = join(ROOT, 'test/fixtures/worked-example');
const BIN = join(ROOT, 'bin/billing.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `billing` command in a child process, as an operator would. */
export function billing(
  args: readonly string[],
  options: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', BILLING_DATA_DIR: '', BILLING_TARIFF: '', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export function tempDir(prefix = 'billing-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function ndjson<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** A charge CloudEvent reduced to the columns of the spec's expected tables. */
export function chargeRow(event: {
  type: string;
  data: { orgId: string; kind: string; period: string; revision: number; quantity: number; amount: number };
}) {
  const { orgId, kind, period, revision, quantity, amount } = event.data;
  return { type: event.type, orgId, kind, period, revision, quantity, amount };
}
