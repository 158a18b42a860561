import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '../workload/random';
import { workload } from '../workload/workload';
import { billing, ndjson, tempDir } from '../support/cli';

const AS_OF = ['2025-11-01T01:00:00+09:00', '2026-01-01T01:00:00+09:00', '2026-10-01T01:00:00+09:00'];

async function chargesAfter(file: string): Promise<string[]> {
  const store = ['--data', tempDir()];
  const ingest = await billing(['ingest', file, ...store]);
  expect(ingest.code).toBe(0);
  for (const asOf of AS_OF) expect((await billing(['close', '--as-of', asOf, ...store])).code).toBe(0);
  const charges = ndjson<{ id: string }>((await billing(['charges', '--format', 'ndjson', ...store])).stdout);
  return charges.map((charge) => JSON.stringify(charge)).sort();
}

/** §5: the same set of events in any order, delivered any number of times, yields the same charges. */
describe('CLI: arrival order and redelivery', () => {
  it('issues identical charges for a shuffled, partly redelivered input', async () => {
    const lines = [...workload({ seed: 7, organisations: 12, events: 3000, duplicateShare: 0.01, lateShare: 0.02 })];
    const random = new SeededRandom(99);
    const shuffled = [...lines, ...lines.filter(() => random.chance(0.3))];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const dir = tempDir();
    writeFileSync(join(dir, 'in-order.ndjson'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'shuffled.ndjson'), `${shuffled.join('\n')}\n`);

    const [inOrder, reshuffled] = await Promise.all([
      chargesAfter(join(dir, 'in-order.ndjson')),
      chargesAfter(join(dir, 'shuffled.ndjson')),
    ]);

    expect(inOrder.length).toBeGreaterThan(50);
    expect(reshuffled).toEqual(inOrder);
  });
});
