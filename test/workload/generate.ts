import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { once } from 'node:events';
import { BENCHMARK_MIX, workload } from './workload';

/**
 * `node -r @swc-node/register test/workload/generate.ts --events N --orgs K --seed S [--mix benchmark] [--out FILE]`
 * (`--mix benchmark`: the shape `npm run bench` uses; without it the tests' lifecycle-heavy mix).
 */
async function main(): Promise<void> {
  const args = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i]!.replace(/^--/, ''), argv[i + 1]!);
  const out: Writable = args.get('out') ? createWriteStream(args.get('out')!) : process.stdout;
  const events = Number(args.get('events') ?? 100_000);
  const mix = args.get('mix') === 'benchmark' ? BENCHMARK_MIX : undefined;
  if (args.has('mix') && mix === undefined) throw new Error(`--mix takes "benchmark"; got ${args.get('mix')}`);
  let written = 0;
  for (const line of workload({
    seed: Number(args.get('seed') ?? 1),
    organisations: Number(args.get('orgs') ?? 100),
    events,
    ...(mix ? { mix } : {}),
  })) {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
    if (++written % 500_000 === 0) process.stderr.write(`generated ${written}/${events}\n`);
  }
  if (out !== process.stdout) await new Promise<void>((resolve) => out.end(() => resolve()));
}

void main();
