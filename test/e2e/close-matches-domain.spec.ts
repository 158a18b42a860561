import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChargeEvent, closeDecider, evolve, initialBillingState, parseInstant } from '@smartme/domain';
import { RawInput } from '@smartme/application';
import { BillingRuntime, openBillingRuntime } from '../../apps/billing/src/composition/billing-runtime';
import { SAMPLE_TARIFF } from '../../apps/billing/src/composition/runtime-options';
import { workload } from '../workload/workload';

/**
 * The close the service runs (projections in SQL, read back per organisation, usage per
 * month where every period is whole months, per day where a contract closes mid-month)
 * issues exactly what the pure domain decides from a fold of the same events.
 */
describe('close through the SQL projections equals the domain decision on the folded events', () => {
  const dir = mkdtempSync(join(tmpdir(), 'close-vs-domain-'));
  let runtime: BillingRuntime;

  beforeAll(async () => {
    runtime = await openBillingRuntime({ dataDir: dir, tariffPath: SAMPLE_TARIFF, databaseUrl: null });
  }, 60_000);

  afterAll(async () => {
    await runtime?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('issues the same charges, organisations with and without a closing date alike', async () => {
    const lines = [...workload({ seed: 11, organisations: 12, events: 6_000 })];
    // Closing dates inside months, in the middle of the workload's span.
    const closings = [
      ['org-00001', '2026-03-17'],
      ['org-00004', '2026-06-09'],
      ['org-00007', '2025-12-31'],
      ['org-00009', '2026-08-02'],
    ] as const;
    for (const [orgId, closedOn] of closings) {
      lines.push(
        JSON.stringify({
          specversion: '1.0',
          id: `close-${orgId}`,
          source: 'contract-management',
          type: 'ContractClosed',
          time: `${closedOn}T12:00:00+09:00`,
          data: { orgId, closedOn },
        }),
      );
    }
    async function* inputs(): AsyncGenerator<RawInput> {
      for (const [i, line] of lines.entries()) yield { raw: Buffer.from(line), source: `test:${i + 1}` };
    }
    const summary = await runtime.ingestion.ingestAll(inputs());
    expect(summary.rejected).toBe(0);
    await runtime.projector.catchUp();

    const state = initialBillingState({ deduplicate: false });
    for await (const batch of runtime.events.readAll({ after: 0n }))
      for (const record of batch) evolve(state, record.event);
    const asOfMs = parseInstant('2026-11-01T01:00:00+09:00').epochMs;
    const expected = closeDecider(runtime.settings.tariff).decide(
      { asOfMs, closeGraceMs: runtime.settings.closeGraceMs },
      state,
    );
    expect(expected.length).toBeGreaterThan(100);
    expect(expected.filter((charge) => closings.some(([orgId]) => charge.data.orgId === orgId)).length).toBeGreaterThan(
      0,
    );

    const report = await runtime.close.asOf(asOfMs);
    expect(report.problems).toEqual([]);
    const byId = (a: ChargeEvent, b: ChargeEvent) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    expect([...report.issued].sort(byId)).toEqual([...expected].sort(byId));
  }, 120_000);
});
