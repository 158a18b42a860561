/**
 * How fast the `billing` CLI answers (issue 14): `billing --help`, and `billing charges` on the
 * worked example's store, run as an operator runs them (a new process each time), from the build
 * `npm ci` makes, beside the same commands with the sources compiled on the fly
 * (BILLING_FROM_SOURCES=1, what every command paid before the build, and what development pays).
 * The median of RUNS runs after WARMUP discarded ones: the machine is shared, a median holds.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, WORKED_EXAMPLE, tempDir } from '../support/cli';
import { progress } from './measure';
import { Measure } from './report';

const RUNS = 15;
const WARMUP = 2;
const BIN = join(ROOT, 'bin/billing.js');

function run(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', BILLING_DATA_DIR: '', BILLING_TARIFF: '', ...env },
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`billing ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return seconds;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function timedRuns(args: readonly string[], env: NodeJS.ProcessEnv = {}): number {
  for (let i = 0; i < WARMUP; i++) run(args, env);
  return median(Array.from({ length: RUNS }, () => run(args, env)));
}

export function cliStart(): Measure[] {
  const tariff = join(WORKED_EXAMPLE, 'tariff.json');
  const data = tempDir('bench-cli-');
  const store = ['--data', data, '--tariff', tariff];
  progress('CLI start: the worked example store');
  run(['ingest', join(WORKED_EXAMPLE, 'events-1.ndjson'), ...store], {});
  run(['close', '--as-of', '2025-11-01T01:00:00+09:00', ...store], {});
  run(['ingest', join(WORKED_EXAMPLE, 'events-2.ndjson'), ...store], {});
  run(['close', '--as-of', '2025-12-01T02:00:00+09:00', ...store], {});

  const fromSources = { BILLING_FROM_SOURCES: '1' };
  progress(`CLI start: billing --help, ${RUNS} runs each, built and on the fly`);
  const help = timedRuns(['--help']);
  const helpOnTheFly = timedRuns(['--help'], fromSources);
  progress(`CLI start: billing charges, ${RUNS} runs each, built and on the fly`);
  const charges = timedRuns(['charges', ...store]);
  const chargesOnTheFly = timedRuns(['charges', ...store], fromSources);
  return [
    {
      name: 'CLI: billing --help (median)',
      unit: 's',
      value: help,
      baseline: 'the sources compiled on the fly',
      baselineValue: helpOnTheFly,
      aim: '< 0.5 s',
      met: help < 0.5,
      lowerIsBetter: true,
    },
    {
      name: "CLI: billing charges on the worked example's store (median)",
      unit: 's',
      value: charges,
      baseline: 'the sources compiled on the fly',
      baselineValue: chargesOnTheFly,
      aim: '< 1 s',
      met: charges < 1,
      lowerIsBetter: true,
    },
  ];
}
