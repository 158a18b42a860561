import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ChargeEvent, parseInstant } from '@smartme/domain';
import { RawInput } from '@smartme/application';
import { Clock } from '@smartme/ports';
import { BillingRuntime, openBillingRuntime } from '../../apps/billing/src/composition/billing-runtime';
import { WORKED_EXAMPLE, tempDir } from '../support/cli';

/**
 * The close and recompute issue charges the same way (ChargeIssuance): stored with their
 * outbox entries, a charge id taken by other content reported rather than overwritten,
 * and every listener (the outbox relay) told of what was stored, whoever issued it.
 */
describe('issuing charges: the close and recompute share one path', () => {
  const dir = tempDir('issuance-');
  const clock = { nowMs: () => parseInstant('2025-11-20T12:00:00+09:00').epochMs } satisfies Clock;
  let runtime: BillingRuntime;
  const told: ChargeEvent[][] = [];

  const ingest = (file: string) => {
    async function* inputs(): AsyncGenerator<RawInput> {
      const lines = readFileSync(join(WORKED_EXAMPLE, file), 'utf8').split('\n').filter(Boolean);
      for (const [i, line] of lines.entries()) yield { raw: Buffer.from(line), source: `${file}:${i + 1}` };
    }
    return runtime.ingestion.ingestAll(inputs());
  };

  beforeAll(async () => {
    runtime = await openBillingRuntime(
      { dataDir: dir, tariffPath: join(WORKED_EXAMPLE, 'tariff.json'), databaseUrl: null },
      clock,
    );
    runtime.issuance.onIssued((issued) => told.push([...issued]));
  }, 60_000);

  afterAll(async () => {
    await runtime?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tells the listeners what a close stored, and nothing when it stores nothing', async () => {
    await ingest('events-1.ndjson');
    const report = await runtime.close.asOf(parseInstant('2025-11-01T01:00:00+09:00').epochMs);
    expect(report.issued).toHaveLength(3);
    expect(told).toEqual([report.issued]);
    expect((await runtime.close.asOf(parseInstant('2025-11-01T02:00:00+09:00').epochMs)).issued).toEqual([]);
    expect(told).toHaveLength(1);
    expect(await runtime.store.outbox.backlog()).toBe(3);
  });

  it('recompute issues the adjustment of a late event through the same path, once', async () => {
    await ingest('events-2.ndjson');
    const dryRun = await runtime.recompute.run('2025-10', { dryRun: true });
    expect(dryRun.issued).toEqual([]);
    expect(dryRun.differences.find((d) => d.kind === 'monthly-fee')).toMatchObject({
      issuedQuantity: 2,
      recomputedQuantity: 1,
      quantityDifference: -1,
      amountDifference: -300,
    });

    const report = await runtime.recompute.run('2025-10', { dryRun: false });
    expect(report.problems).toEqual([]);
    expect(report.issued.map((c) => [c.type, c.data.kind, c.data.period, c.data.revision])).toEqual([
      ['ChargeAdjusted', 'monthly-fee', '2025-10', 1],
    ]);
    expect(told[1]).toEqual(report.issued);
    expect(await runtime.store.outbox.backlog()).toBe(4);
    // The close now finds October settled.
    const november = await runtime.close.asOf(parseInstant('2025-12-01T02:00:00+09:00').epochMs);
    expect(november.issued.filter((c) => c.data.period === '2025-10')).toEqual([]);
    expect((await runtime.recompute.run('2025-10', { dryRun: false })).issued).toEqual([]);
  });

  it('reports a charge whose id is taken by other content, stores nothing for it and tells no one', async () => {
    const [stored] = await runtime.projections.charges({ orgId: 'acme', kind: 'monthly-fee', period: '2025-11' });
    const taken = stored!.event;
    // A second issuer that bypassed the lock, and decided otherwise.
    const other: ChargeEvent = { ...taken, data: { ...taken.data, amount: taken.data.amount + 1 } };
    const before = told.length;
    const report = await runtime.issuance.issue([other]);
    expect(report).toEqual({
      issued: [],
      problems: [{ orgId: 'acme', reason: `charge ${taken.id} was already issued with other content` }],
    });
    expect(told).toHaveLength(before);
    expect((await runtime.projections.charge(taken.id))!.event).toEqual(taken);
  });
});
