import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { workload } from '../workload/workload';
import { ROOT, billing, ndjson, tempDir } from '../support/cli';

const EVENTS = 60_000;

async function writeWorkload(file: string): Promise<void> {
  const out = createWriteStream(file);
  for (const line of workload({ seed: 3, organisations: 40, events: EVENTS, duplicateShare: 0, lateShare: 0.01 })) {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * Starts `ingest` and kills it with SIGKILL as soon as it reports the phase given
 * (appending, or bringing the projections up to date), after its first committed batch.
 */
async function ingestKilledDuring(phase: 'ingest' | 'projections', file: string, data: string): Promise<void> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/billing.js'), 'ingest', file, '--data', data], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '' },
  });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (new RegExp(`^${phase}: \\d+`, 'm').test(stderr)) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`ingest ended before it was killed: ${stderr}`)));
  });
  await once(child, 'exit');
}

/** Issue 4: a crash (kill -9 of an ingest) followed by a re-run loses no event and counts none twice. */
describe('CLI: ingest killed with SIGKILL, then run again', () => {
  it('ends with exactly the state of an uninterrupted ingest', async () => {
    const dir = tempDir();
    const file = join(dir, 'workload.ndjson');
    await writeWorkload(file);
    const crashed = join(dir, 'crashed');
    const clean = join(dir, 'clean');

    await ingestKilledDuring('ingest', file, crashed);
    await ingestKilledDuring('projections', file, crashed);
    const rerun = await billing(['ingest', file, '--data', crashed]);
    const reference = await billing(['ingest', file, '--data', clean]);

    const rerunSummary = JSON.parse(rerun.stdout) as { accepted: number; duplicates: number; rejected: number };
    const referenceSummary = JSON.parse(reference.stdout) as { accepted: number; duplicates: number; rejected: number };
    expect(rerunSummary.rejected).toBe(0);
    expect(rerunSummary.duplicates).toBeGreaterThan(0);
    expect(rerunSummary.accepted + rerunSummary.duplicates).toBe(
      referenceSummary.accepted + referenceSummary.duplicates,
    );

    const replay = JSON.parse((await billing(['replay', '--data', crashed])).stdout) as {
      events: number;
      equal: boolean;
    };
    expect(replay).toMatchObject({ events: referenceSummary.accepted, equal: true });

    const asOf = ['close', '--as-of', '2026-10-01T01:00:00+09:00', '--format', 'ndjson'];
    const [afterCrash, uninterrupted] = await Promise.all([
      billing([...asOf, '--data', crashed]),
      billing([...asOf, '--data', clean]),
    ]);
    expect(ndjson(afterCrash.stdout).length).toBeGreaterThan(100);
    expect(afterCrash.stdout).toBe(uninterrupted.stdout);
  });
});
