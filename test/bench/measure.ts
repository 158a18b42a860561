import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/cli';

export interface Timed<T> {
  readonly seconds: number;
  readonly value: T;
}

export async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, value };
}

export interface CommandRun {
  readonly seconds: number;
  readonly peakRssMb: number;
  /** The process's CPU time, user + system (getrusage, as `process.cpuUsage` counts it). */
  readonly cpuSeconds: number;
  readonly stdout: string;
}

/**
 * Runs the real `billing` command, timing it and reading its peak resident memory and its
 * CPU time from /usr/bin/time; its progress lines go through to our stderr so long runs show they move.
 */
export function billingCommand(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      '/usr/bin/time',
      ['-f', 'PEAK_RSS_KB=%M CPU_SECONDS=%U+%S', process.execPath, join(ROOT, 'bin/billing.js'), ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      for (const line of text.split('\n'))
        if (/^(ingest|projections|replay):/.test(line)) process.stderr.write(`    ${line}\n`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const peak = /PEAK_RSS_KB=(\d+)/.exec(stderr);
      const cpu = /CPU_SECONDS=([\d.]+)\+([\d.]+)/.exec(stderr);
      if (code !== 0) return reject(new Error(`billing ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
      resolve({
        seconds,
        peakRssMb: peak ? Number(peak[1]) / 1024 : NaN,
        cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN,
        stdout,
      });
    });
  });
}

export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
