import { Billing, contractOpened, registered, revoked, summary } from './support/events';
import { sampleTariff } from './support/sample-tariff';

const org = 'org-ids';
const opened = () =>
  contractOpened(org, ['entry-exit', 'id'], {
    appliedOn: '2025-10-01',
    openedOn: '2025-10-01',
    declaredMembers: 0,
    plannedUsers: 0,
  });
const quantities = (billing: Billing, asOf: string) =>
  Object.fromEntries(summary(billing.close(asOf)).map((c) => [`${c.kind} ${c.period}`, c.quantity]));

describe('ID registration fee (§2.1)', () => {
  it('counts distinct IDs newly registered in the month', () => {
    const billing = new Billing(sampleTariff).given(
      opened(),
      registered(org, 'a', '2025-10-02T10:00:00'),
      registered(org, 'b', '2025-10-03T10:00:00'),
    );
    expect(quantities(billing, '2025-11-01T01:00:00')['id-registration 2025-10']).toBe(2);
  });

  it('does not count a registration of an ID that is already active', () => {
    const billing = new Billing(sampleTariff).given(
      opened(),
      registered(org, 'a', '2025-09-20T10:00:00'),
      registered(org, 'a', '2025-10-05T10:00:00'),
      registered(org, 'b', '2025-10-06T10:00:00'),
      registered(org, 'b', '2025-10-07T10:00:00'),
    );
    const october = quantities(billing, '2025-11-01T01:00:00');
    expect(october['id-registration 2025-10']).toBe(1);
    expect(october['monthly-fee 2025-10']).toBe(2);
  });

  it('counts a re-registration of an ID revoked in an earlier month', () => {
    const billing = new Billing(sampleTariff).given(
      opened(),
      registered(org, 'a', '2025-10-02T10:00:00'),
      revoked(org, 'a', '2025-10-20T10:00:00'),
      registered(org, 'a', '2025-11-02T10:00:00'),
    );
    expect(quantities(billing, '2025-12-01T01:00:00')).toMatchObject({
      'id-registration 2025-10': 1,
      'id-registration 2025-11': 1,
    });
  });

  it('counts register → revoke → register in one month once', () => {
    const billing = new Billing(sampleTariff).given(
      opened(),
      registered(org, 'a', '2025-10-02T10:00:00'),
      revoked(org, 'a', '2025-10-03T10:00:00'),
      registered(org, 'a', '2025-10-04T10:00:00'),
    );
    expect(quantities(billing, '2025-11-01T01:00:00')['id-registration 2025-10']).toBe(1);
  });

  it('attributes a registration at 00:00 JST to the new month, from any offset', () => {
    const billing = new Billing(sampleTariff).given(
      opened(),
      registered(org, 'a', '2025-10-31T14:59:59Z'),
      registered(org, 'b', '2025-10-31T15:00:00Z'),
    );
    expect(quantities(billing, '2025-12-01T01:00:00')).toMatchObject({
      'id-registration 2025-10': 1,
      'id-registration 2025-11': 1,
    });
  });

  it('applies events of one ID at the same instant in event id order', () => {
    const at = '2025-10-10T10:00:00';
    const revokedFirst = new Billing(sampleTariff).given(
      opened(),
      registered(org, 'a', '2025-10-01T10:00:00', 'e1'),
      revoked(org, 'a', at, 'e2'),
      registered(org, 'a', at, 'e3'),
    );
    const registeredFirst = new Billing(sampleTariff).given(
      opened(),
      registered(org, 'a', '2025-10-01T10:00:00', 'e1'),
      registered(org, 'a', at, 'e2'),
      revoked(org, 'a', at, 'e3'),
    );
    expect(quantities(revokedFirst, '2025-11-01T01:00:00')['monthly-fee 2025-10']).toBe(1);
    expect(quantities(registeredFirst, '2025-11-01T01:00:00')['monthly-fee 2025-10']).toBeUndefined();
  });
});

describe('monthly fee (§2.2)', () => {
  it('counts IDs active at the last instant of the month', () => {
    const billing = new Billing(sampleTariff).given(
      opened(),
      registered(org, 'a', '2025-10-02T10:00:00'),
      registered(org, 'b', '2025-10-02T10:00:00'),
      registered(org, 'c', '2025-10-02T10:00:00'),
      revoked(org, 'b', '2025-10-31T23:59:59.999+09:00'),
      revoked(org, 'c', '2025-11-01T00:00:00+09:00'),
    );
    const charges = quantities(billing, '2025-12-01T01:00:00');
    expect(charges['monthly-fee 2025-10']).toBe(2);
    expect(charges['monthly-fee 2025-11']).toBe(1);
  });

  it('prices the month-end count graduated, across tiers', () => {
    const billing = new Billing(sampleTariff).given(opened());
    for (let i = 0; i < 103; i++) billing.given(registered(org, `id-${i}`, '2025-10-02T10:00:00'));
    const monthly = billing.close('2025-11-01T01:00:00').find((c) => c.data.kind === 'monthly-fee')!;
    expect(monthly.data).toMatchObject({ quantity: 103, amount: 100 * 300 + 3 * 200 });
    expect(monthly.data.lines).toHaveLength(2);
  });

  it('issues no zero-amount line for a month without active IDs or registrations', () => {
    const billing = new Billing(sampleTariff).given(opened());
    expect(billing.close('2025-11-01T01:00:00')).toEqual([]);
  });

  it('counts IDs registered before the opening date from the opening month on', () => {
    const billing = new Billing(sampleTariff).given(
      contractOpened(org, ['entry-exit', 'id'], {
        appliedOn: '2025-10-01',
        openedOn: '2025-11-15',
        declaredMembers: 0,
        plannedUsers: 0,
      }),
      registered(org, 'a', '2025-10-02T10:00:00'),
      registered(org, 'b', '2025-11-02T10:00:00'),
    );
    const charges = quantities(billing, '2025-12-01T01:00:00');
    expect(charges).toEqual({ 'id-registration 2025-11': 1, 'monthly-fee 2025-11': 2 });
  });
});
