import { Billing, contractOpened, headcountChanged, registered, summary } from './support/events';
import { sampleTariff, twoVersionTariff } from './support/sample-tariff';

const org = 'org-fee';
const initialFees = (charges: ReturnType<Billing['close']>) =>
  summary(charges)
    .filter((c) => c.kind.startsWith('initial-fee'))
    .map(({ type, kind, period, quantity, amount }) => ({ type, kind, period, quantity, amount }));
const opened = (declaredMembers: number, plannedUsers: number) =>
  contractOpened(org, ['entry-exit', 'id'], {
    appliedOn: '2025-10-01',
    openedOn: '2025-10-10',
    declaredMembers,
    plannedUsers,
  });

describe('initial fee (§2.3)', () => {
  it('charges the tier of max(declaredMembers, plannedUsers) once, in the opening month', () => {
    const billing = new Billing(sampleTariff).given(opened(90, 40));
    expect(initialFees(billing.close('2025-11-01T01:00:00'))).toEqual([
      { type: 'ChargeIssued', kind: 'initial-fee', period: '2025-10', quantity: 90, amount: 100000 },
    ]);
    expect(initialFees(billing.close('2025-12-01T01:00:00'))).toEqual([]);
  });

  it('charges no initial fee for a basis of zero', () => {
    expect(initialFees(new Billing(sampleTariff).given(opened(0, 0)).close('2025-11-01T01:00:00'))).toEqual([]);
  });

  it('trues up a headcount increase against everything charged so far, in the month of the change', () => {
    const billing = new Billing(sampleTariff).given(opened(50, 50));
    billing.close('2025-11-01T01:00:00');
    billing.given(headcountChanged(org, '2025-11-15', 120, 10));
    const november = billing.close('2025-12-01T01:00:00');
    expect(initialFees(november)).toEqual([
      { type: 'ChargeIssued', kind: 'initial-fee-true-up', period: '2025-11', quantity: 120, amount: 200000 },
    ]);
    expect(november.find((c) => c.data.kind === 'initial-fee-true-up')!.data.lines).toEqual([
      { from: 101, to: null, quantity: 120, amount: '300000' },
      { credit: 'initial-fees-charged', quantity: 0, amount: '-100000' },
    ]);
  });

  it('never refunds on a headcount decrease', () => {
    const billing = new Billing(sampleTariff).given(opened(150, 150), headcountChanged(org, '2025-11-15', 10, 10));
    expect(initialFees(billing.close('2025-12-01T01:00:00')).map((c) => c.kind)).toEqual(['initial-fee']);
  });

  it('charges successive increases once each, not twice against the introduction fee', () => {
    const tariff = twoVersionTariff();
    const billing = new Billing(tariff).given(
      opened(50, 50),
      headcountChanged(org, '2025-11-03', 150, 0),
      headcountChanged(org, '2025-12-03', 160, 0),
    );
    const charges = initialFees(billing.close('2026-01-01T01:00:00'));
    expect(charges.map((c) => [c.kind, c.period, c.amount])).toEqual([
      ['initial-fee', '2025-10', 100000],
      ['initial-fee-true-up', '2025-11', 200000],
    ]);
  });

  it('issues at most one true-up a month, for the largest requirement, even if a later report decreases', () => {
    const billing = new Billing(sampleTariff).given(
      opened(50, 50),
      headcountChanged(org, '2025-11-03', 150, 0, '2025-11-03T09:00:00'),
      headcountChanged(org, '2025-11-20', 60, 0, '2025-11-20T09:00:00'),
    );
    expect(initialFees(billing.close('2025-12-01T01:00:00'))).toEqual([
      { type: 'ChargeIssued', kind: 'initial-fee', period: '2025-10', quantity: 50, amount: 100000 },
      { type: 'ChargeIssued', kind: 'initial-fee-true-up', period: '2025-11', quantity: 150, amount: 200000 },
    ]);
  });

  it('trues up when the month-end active count exceeds the paid tier, once', () => {
    const billing = new Billing(sampleTariff).given(opened(80, 80));
    for (let i = 0; i < 101; i++) billing.given(registered(org, `id-${i}`, '2025-11-05T10:00:00'));
    const charges = initialFees(billing.close('2026-01-01T01:00:00'));
    expect(charges).toEqual([
      { type: 'ChargeIssued', kind: 'initial-fee', period: '2025-10', quantity: 80, amount: 100000 },
      { type: 'ChargeIssued', kind: 'initial-fee-true-up', period: '2025-11', quantity: 101, amount: 200000 },
    ]);
  });

  it('does not true up at exactly the paid tier limit', () => {
    const billing = new Billing(sampleTariff).given(opened(80, 80));
    for (let i = 0; i < 100; i++) billing.given(registered(org, `id-${i}`, '2025-10-15T10:00:00'));
    expect(initialFees(billing.close('2025-11-01T01:00:00')).map((c) => c.kind)).toEqual(['initial-fee']);
  });

  it('rates the initial fee with the version in force on the opening date', () => {
    const tariff = twoVersionTariff();
    const billing = new Billing(tariff).given(
      contractOpened(org, ['entry-exit', 'id'], {
        appliedOn: '2025-09-01',
        openedOn: '2025-09-30',
        declaredMembers: 10,
        plannedUsers: 10,
      }),
    );
    const fee = billing.close('2025-10-01T01:00:00').find((c) => c.data.kind === 'initial-fee')!;
    expect(fee.data).toMatchObject({ amount: 50000, tariffVersion: '2024-01', termsVersion: '2025-09' });
  });

  it('charges a late headcount increase in its own, already closed month', () => {
    const billing = new Billing(sampleTariff).given(opened(50, 50));
    billing.close('2025-12-01T01:00:00');
    billing.given(headcountChanged(org, '2025-11-15', 200, 0, '2025-12-05T10:00:00'));
    expect(initialFees(billing.close('2025-12-05T11:00:00'))).toEqual([
      { type: 'ChargeIssued', kind: 'initial-fee-true-up', period: '2025-11', quantity: 200, amount: 200000 },
    ]);
  });
});
