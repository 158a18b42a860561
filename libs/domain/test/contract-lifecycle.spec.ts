import {
  Billing,
  contractClosed,
  contractOpened,
  idServiceAdded,
  registered,
  revoked,
  summary,
  verified,
} from './support/events';
import { sampleTariff, twoVersionTariff } from './support/sample-tariff';

const org = 'org-life';
const rows = (charges: ReturnType<Billing['close']>) =>
  summary(charges).map((c) => `${c.type} ${c.kind} ${c.period} q=${c.quantity} ¥${c.amount}`);
const opened = (openedOn = '2025-10-10') =>
  contractOpened(org, ['entry-exit', 'id'], { appliedOn: '2025-10-01', openedOn, declaredMembers: 0, plannedUsers: 0 });

describe('a contract closed mid-month (§2.5)', () => {
  it('bills the closing month on the state at the end of the closing date and closes the year early', () => {
    const billing = new Billing(sampleTariff).given(
      opened(),
      registered(org, 'a', '2025-10-11T10:00:00'),
      registered(org, 'b', '2025-11-05T10:00:00'),
      revoked(org, 'a', '2025-11-21T10:00:00'),
      registered(org, 'c', '2025-11-21T10:00:00'),
      verified(org, 'beta', '2025-11-20T23:59:59'),
      verified(org, 'beta', '2025-11-21T00:00:00'),
      contractClosed(org, '2025-11-20'),
    );
    expect(rows(billing.close('2025-12-01T01:00:00'))).toEqual([
      'ChargeIssued id-registration 2025-10 q=1 ¥100',
      'ChargeIssued monthly-fee 2025-10 q=1 ¥300',
      'ChargeIssued id-registration 2025-11 q=1 ¥100',
      'ChargeIssued monthly-fee 2025-11 q=2 ¥600',
      'ChargeIssued verification 2025 q=1 ¥10',
    ]);
    expect(billing.close('2026-02-01T01:00:00')).toEqual([]);
  });

  it('rates the early-closed year with the version in force on the closing date', () => {
    const tariff = twoVersionTariff({ startMonth: 4 });
    const billing = new Billing(tariff).given(
      contractOpened(org, ['entry-exit', 'id'], {
        appliedOn: '2025-06-01',
        openedOn: '2025-06-01',
        declaredMembers: 0,
        plannedUsers: 0,
      }),
      verified(org, 'beta', '2025-07-01T10:00:00'),
      contractClosed(org, '2025-09-15'),
    );
    const year = billing.close('2025-10-01T01:00:00').find((c) => c.data.kind === 'verification')!;
    expect(year.data).toMatchObject({ period: '2025', quantity: 1, tariffVersion: '2024-01' });
  });

  it('reverses charges of months after a closure that arrives late', () => {
    const billing = new Billing(sampleTariff).given(opened(), registered(org, 'a', '2025-10-11T10:00:00'));
    billing.close('2025-12-01T01:00:00');
    billing.given(contractClosed(org, '2025-10-31', '2025-12-02T10:00:00'));
    expect(rows(billing.close('2025-12-02T11:00:00'))).toEqual(['ChargeAdjusted monthly-fee 2025-11 q=-1 ¥-300']);
  });
});

describe('a closure that undoes billing', () => {
  it('bills nothing for a contract closed before its ID service opened', () => {
    const billing = new Billing(sampleTariff).given(
      contractOpened(org, ['entry-exit', 'id'], {
        appliedOn: '2025-10-01',
        openedOn: '2025-10-20',
        declaredMembers: 10,
        plannedUsers: 10,
      }),
      registered(org, 'a', '2025-10-21T10:00:00'),
      contractClosed(org, '2025-10-05'),
    );
    expect(billing.close('2025-12-01T01:00:00')).toEqual([]);
  });

  it('reverses the usage charges of a month after a closure that arrives late, but never refunds its true-up', () => {
    const billing = new Billing(sampleTariff).given(
      contractOpened(org, ['entry-exit', 'id'], {
        appliedOn: '2025-10-01',
        openedOn: '2025-10-01',
        declaredMembers: 10,
        plannedUsers: 10,
      }),
    );
    for (let i = 0; i < 101; i++) billing.given(registered(org, `id-${i}`, '2025-11-02T10:00:00'));
    expect(rows(billing.close('2025-12-01T01:00:00'))).toContain(
      'ChargeIssued initial-fee-true-up 2025-11 q=101 ¥200000',
    );
    billing.given(contractClosed(org, '2025-10-31', '2025-12-03T10:00:00'));
    expect(rows(billing.close('2025-12-03T11:00:00'))).toEqual([
      'ChargeAdjusted id-registration 2025-11 q=-101 ¥-10100',
      'ChargeAdjusted monthly-fee 2025-11 q=-101 ¥-30200',
    ]);
  });
});

describe('events before the contract exists (§2.5)', () => {
  it('stores them and bills them once the contract arrives, from the opening month only', () => {
    const billing = new Billing(sampleTariff).given(
      registered(org, 'a', '2025-09-20T10:00:00'),
      registered(org, 'b', '2025-10-20T10:00:00'),
      verified(org, 'beta', '2025-09-25T10:00:00'),
      verified(org, 'beta', '2025-10-25T10:00:00'),
    );
    expect(billing.close('2025-11-01T01:00:00')).toEqual([]);

    billing.given(opened('2025-10-10'));
    const charges = rows(billing.close('2026-01-01T01:00:00'));
    expect(charges).toEqual([
      'ChargeIssued id-registration 2025-10 q=1 ¥100',
      'ChargeIssued monthly-fee 2025-10 q=2 ¥600',
      'ChargeIssued monthly-fee 2025-11 q=2 ¥600',
      'ChargeIssued monthly-fee 2025-12 q=2 ¥600',
      'ChargeIssued verification 2025 q=1 ¥10',
    ]);
  });

  it('bills an entry/exit-only contract nothing until the ID service is added', () => {
    const billing = new Billing(sampleTariff).given(
      contractOpened(org, ['entry-exit'], { appliedOn: '2025-10-01', openedOn: '2025-10-01' }),
      registered(org, 'a', '2025-10-20T10:00:00'),
    );
    expect(billing.close('2025-12-01T01:00:00')).toEqual([]);
    billing.given(
      idServiceAdded(org, { appliedOn: '2025-12-01', openedOn: '2025-12-05', declaredMembers: 5, plannedUsers: 5 }),
    );
    expect(rows(billing.close('2026-01-01T01:00:00'))).toEqual([
      'ChargeIssued initial-fee 2025-12 q=5 ¥100000',
      'ChargeIssued monthly-fee 2025-12 q=1 ¥300',
    ]);
  });

  it('bills nothing for a rejected application', () => {
    const billing = new Billing(sampleTariff).given(
      contractOpened(org, ['id'], {
        appliedOn: '2025-10-01',
        openedOn: '2025-10-01',
        declaredMembers: 5,
        plannedUsers: 5,
      }),
      registered(org, 'a', '2025-10-20T10:00:00'),
    );
    expect(billing.close('2025-12-01T01:00:00')).toEqual([]);
  });
});

describe('the 2025-09 / 2025-10 version switch (附則 2)', () => {
  it('rates September with the old version and October with the new one', () => {
    const billing = new Billing(twoVersionTariff()).given(
      contractOpened(org, ['id'], {
        appliedOn: '2025-08-01',
        openedOn: '2025-09-01',
        declaredMembers: 0,
        plannedUsers: 0,
      }),
      registered(org, 'a', '2025-09-30T23:59:59'),
      registered(org, 'b', '2025-10-01T00:00:00'),
    );
    const charges = billing
      .close('2025-11-01T01:00:00')
      .map((c) => [c.data.kind, c.data.period, c.data.amount, c.data.tariffVersion, c.data.termsVersion]);
    expect(charges).toEqual([
      ['id-registration', '2025-09', 50, '2024-01', '2025-09'],
      ['monthly-fee', '2025-09', 250, '2024-01', '2025-09'],
      ['id-registration', '2025-10', 100, '2025-10', '2025-10'],
      ['monthly-fee', '2025-10', 600, '2025-10', '2025-10'],
    ]);
  });
});

describe('verification fee (§2.4)', () => {
  const contract = () =>
    contractOpened(org, ['entry-exit', 'id'], {
      appliedOn: '2025-01-01',
      openedOn: '2025-01-01',
      declaredMembers: 0,
      plannedUsers: 0,
    });

  it('issues no charge for a year with zero counted verifications, even with internal ones', () => {
    const billing = new Billing(twoVersionTariff()).given(contract(), verified(org, org, '2025-05-01T10:00:00'));
    expect(billing.close('2026-01-01T01:00:00')).toEqual([]);
  });

  it('charges the holder organisation, not the verifier', () => {
    const billing = new Billing(twoVersionTariff()).given(
      contract(),
      contractOpened('verifier', ['entry-exit', 'id'], {
        appliedOn: '2025-01-01',
        openedOn: '2025-01-01',
        declaredMembers: 0,
        plannedUsers: 0,
      }),
      verified(org, 'verifier', '2025-05-01T10:00:00'),
    );
    expect(rows(billing.close('2026-01-01T01:00:00'))).toEqual(['ChargeIssued verification 2025 q=1 ¥10']);
  });

  it('bills the year only after its end plus the grace', () => {
    const billing = new Billing(twoVersionTariff()).given(contract(), verified(org, 'beta', '2025-12-31T23:59:59'));
    expect(billing.close('2026-01-01T00:59:59')).toEqual([]);
    expect(rows(billing.close('2026-01-01T01:00:00'))).toEqual(['ChargeIssued verification 2025 q=1 ¥10']);
  });

  it('follows a fiscal year starting in April', () => {
    const billing = new Billing(twoVersionTariff({ startMonth: 4 })).given(
      contract(),
      verified(org, 'beta', '2025-03-31T23:00:00'),
      verified(org, 'beta', '2025-04-01T00:00:00'),
      verified(org, 'beta', '2026-03-31T10:00:00'),
    );
    const years = billing
      .close('2026-04-01T01:00:00')
      .filter((c) => c.data.kind === 'verification')
      .map((c) => [c.data.period, c.data.quantity]);
    expect(years).toEqual([
      ['2024', 1],
      ['2025', 2],
    ]);
  });

  it('does not count verifications before the opening month', () => {
    const billing = new Billing(twoVersionTariff()).given(
      contractOpened(org, ['entry-exit', 'id'], {
        appliedOn: '2025-03-01',
        openedOn: '2025-03-20',
        declaredMembers: 0,
        plannedUsers: 0,
      }),
      verified(org, 'beta', '2025-02-28T10:00:00'),
      verified(org, 'beta', '2025-03-01T10:00:00'),
    );
    expect(billing.close('2026-01-01T01:00:00').map((c) => c.data.quantity)).toEqual([1]);
  });
});
