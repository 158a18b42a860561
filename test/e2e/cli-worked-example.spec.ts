import { join } from 'node:path';
import { WORKED_EXAMPLE, billing, chargeRow, ndjson, tempDir } from '../support/cli';

type ChargeCloudEvent = Parameters<typeof chargeRow>[0] & {
  id: string;
  specversion: string;
  source: string;
  subject: string;
  data: { chargeId: string; adjusts: string | null };
};

/** The spec's worked example (billing-rules.md §6, examples/worked-example/expected.md) through the real CLI. */
describe('CLI: the worked example', () => {
  const data = tempDir();
  const store = ['--data', data, '--tariff', join(WORKED_EXAMPLE, 'tariff.json')];
  const close = async (asOf: string) => {
    const result = await billing(['close', '--as-of', asOf, ...store, '--format', 'ndjson']);
    expect(result.code).toBe(0);
    return ndjson<ChargeCloudEvent>(result.stdout);
  };

  it('ingests events-1: 15 accepted', async () => {
    const result = await billing(['ingest', join(WORKED_EXAMPLE, 'events-1.ndjson'), ...store]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ accepted: 15, duplicates: 0, rejected: 0 });
  });

  it('closes October at its end plus the grace', async () => {
    const charges = await close('2025-11-01T01:00:00+09:00');
    expect(charges.map(chargeRow)).toEqual([
      {
        type: 'ChargeIssued',
        orgId: 'acme',
        kind: 'initial-fee',
        period: '2025-10',
        revision: 0,
        quantity: 120,
        amount: 300000,
      },
      {
        type: 'ChargeIssued',
        orgId: 'acme',
        kind: 'id-registration',
        period: '2025-10',
        revision: 0,
        quantity: 3,
        amount: 300,
      },
      {
        type: 'ChargeIssued',
        orgId: 'acme',
        kind: 'monthly-fee',
        period: '2025-10',
        revision: 0,
        quantity: 2,
        amount: 600,
      },
    ]);
    expect(charges[2]).toMatchObject({
      specversion: '1.0',
      source: 'smartme-billing',
      subject: 'acme',
      time: '2025-11-01T01:00:00+09:00',
    });
  });

  it('issues nothing on a second close', async () => {
    expect(await close('2025-11-01T02:00:00+09:00')).toEqual([]);
  });

  it('ingests events-2: 4 accepted', async () => {
    const result = await billing(['ingest', join(WORKED_EXAMPLE, 'events-2.ndjson'), ...store]);
    expect(JSON.parse(result.stdout)).toEqual({ accepted: 4, duplicates: 0, rejected: 0 });
  });

  it('adjusts October for the late revocation, linked to the original, and closes November', async () => {
    const charges = await close('2025-12-01T02:00:00+09:00');
    expect(charges.map(chargeRow)).toEqual([
      {
        type: 'ChargeAdjusted',
        orgId: 'acme',
        kind: 'monthly-fee',
        period: '2025-10',
        revision: 1,
        quantity: -1,
        amount: -300,
      },
      {
        type: 'ChargeIssued',
        orgId: 'acme',
        kind: 'monthly-fee',
        period: '2025-11',
        revision: 0,
        quantity: 1,
        amount: 300,
      },
    ]);
    const listed = ndjson<ChargeCloudEvent>(
      (await billing(['charges', '--org', 'acme', '--period', '2025-10', '--format', 'ndjson', ...store])).stdout,
    );
    const original = listed.find((c) => c.data.kind === 'monthly-fee' && c.data.revision === 0)!;
    expect(charges[0]!.data.adjusts).toBe(original.data.chargeId);
  });

  it('closes December and the billing year 2025', async () => {
    expect((await close('2026-01-01T02:00:00+09:00')).map(chargeRow)).toEqual([
      {
        type: 'ChargeIssued',
        orgId: 'acme',
        kind: 'monthly-fee',
        period: '2025-12',
        revision: 0,
        quantity: 1,
        amount: 300,
      },
      {
        type: 'ChargeIssued',
        orgId: 'acme',
        kind: 'verification',
        period: '2025',
        revision: 0,
        quantity: 7,
        amount: 70,
      },
    ]);
  });

  it('shows the counters behind a month and a year', async () => {
    const october = await billing(['usage', '--org', 'acme', '--period', '2025-10', '--format', 'ndjson', ...store]);
    expect(JSON.parse(october.stdout)).toEqual({
      orgId: 'acme',
      period: '2025-10',
      registrations: 3,
      activeAtMonthEnd: 1,
    });
    const year = await billing(['usage', '--org', 'acme', '--period', '2025', '--format', 'ndjson', ...store]);
    expect(JSON.parse(year.stdout)).toEqual({
      orgId: 'acme',
      period: '2025',
      verificationsCounted: 7,
      verificationsInternal: 4,
    });
  });

  it('lists the application as accepted under the 2025-10 terms', async () => {
    const result = await billing(['contracts', '--format', 'ndjson', ...store]);
    expect(ndjson(result.stdout)).toEqual([
      {
        orgId: 'acme',
        type: 'ContractOpened',
        appliedOn: '2025-10-05',
        status: 'accepted',
        reason: null,
        termsVersion: '2025-10',
      },
    ]);
  });

  it('replays every projection into the same state and the same charges', async () => {
    const before = (await billing(['charges', '--format', 'ndjson', ...store])).stdout;
    const replay = await billing(['replay', ...store]);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ events: 26, partitions: 1, equal: true });
    // In small partitions (the store's data folded share by share inside the replacement transaction).
    const partitioned = await billing(['replay', '--partition-events', '3', ...store]);
    expect(JSON.parse(partitioned.stdout)).toMatchObject({ events: 26, partitions: expect.any(Number), equal: true });
    expect(JSON.parse(partitioned.stdout).partitions).toBeGreaterThan(1);
    expect((await billing(['replay', '--partition-events', '0', ...store])).code).toBe(2);
    expect((await billing(['charges', '--format', 'ndjson', ...store])).stdout).toBe(before);
    expect(await close('2026-01-01T03:00:00+09:00')).toEqual([]);
  });

  it('recomputes a period with no difference to what was issued', async () => {
    const result = await billing(['recompute', '--period', '2025-10', '--dry-run', '--format', 'ndjson', ...store]);
    expect(
      ndjson(result.stdout).map((row) => [row.kind, row.issuedAmount, row.recomputedAmount, row.amountDifference]),
    ).toEqual([
      ['id-registration', 300, 300, 0],
      ['initial-fee', 300000, 300000, 0],
      ['monthly-fee', 300, 300, 0],
    ]);
  });
});
