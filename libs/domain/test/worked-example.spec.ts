import { chargeIdOf } from '../src';
import { Billing, contractOpened, registered, revoked, summary, verified } from './support/events';
import { sampleTariff } from './support/sample-tariff';

/** billing-rules.md §6 and examples/worked-example/expected.md, every figure. */
describe('the worked example (§6)', () => {
  const billing = new Billing(sampleTariff);
  const acme = 'acme';

  it('closes October with the initial fee, 3 registrations and 2 active IDs', () => {
    billing.given(
      contractOpened(acme, ['entry-exit', 'id'], {
        appliedOn: '2025-10-05',
        openedOn: '2025-10-10',
        declaredMembers: 80,
        plannedUsers: 120,
        time: '2025-10-05T10:00:00',
      }),
      registered(acme, 'a', '2025-10-10T09:00:00'),
      registered(acme, 'b', '2025-10-11T09:00:00'),
      registered(acme, 'c', '2025-10-12T09:00:00'),
      revoked(acme, 'c', '2025-10-20T09:00:00'),
      registered(acme, 'c', '2025-10-25T09:00:00'),
      revoked(acme, 'b', '2025-10-31T23:59:59'),
      ...[13, 14, 15, 16].map((day) => verified(acme, 'beta', `2025-10-${day}T12:00:00`)),
      ...[20, 21, 22, 23].map((day) => verified(acme, acme, `2025-10-${day}T12:00:00`)),
    );

    const october = billing.close('2025-11-01T01:00:00');

    expect(summary(october)).toEqual([
      {
        type: 'ChargeIssued',
        orgId: acme,
        kind: 'initial-fee',
        period: '2025-10',
        revision: 0,
        quantity: 120,
        amount: 300000,
      },
      {
        type: 'ChargeIssued',
        orgId: acme,
        kind: 'id-registration',
        period: '2025-10',
        revision: 0,
        quantity: 3,
        amount: 300,
      },
      {
        type: 'ChargeIssued',
        orgId: acme,
        kind: 'monthly-fee',
        period: '2025-10',
        revision: 0,
        quantity: 2,
        amount: 600,
      },
    ]);
    const monthly = october.find((event) => event.data.kind === 'monthly-fee')!;
    expect(monthly).toMatchObject({
      id: chargeIdOf(acme, 'monthly-fee', '2025-10', 0),
      time: '2025-11-01T01:00:00+09:00',
      data: {
        currency: 'JPY',
        tariffVersion: '2025-10',
        termsVersion: '2025-10',
        adjusts: null,
        lines: [{ from: 1, to: 100, quantity: 2, unitPrice: '300', amount: '600' }],
      },
    });
  });

  it('issues nothing when the same period is closed again', () => {
    expect(billing.close('2025-11-01T02:00:00')).toEqual([]);
  });

  it('adjusts October for a late revocation and bills November on 1 active ID', () => {
    billing.given(
      revoked(acme, 'a', '2025-10-15T09:00:00'),
      ...[1, 2, 3].map((day) => verified(acme, 'beta', `2025-12-0${day}T12:00:00`)),
    );

    const november = billing.close('2025-12-01T02:00:00');

    expect(summary(november)).toEqual([
      {
        type: 'ChargeAdjusted',
        orgId: acme,
        kind: 'monthly-fee',
        period: '2025-10',
        revision: 1,
        quantity: -1,
        amount: -300,
      },
      {
        type: 'ChargeIssued',
        orgId: acme,
        kind: 'monthly-fee',
        period: '2025-11',
        revision: 0,
        quantity: 1,
        amount: 300,
      },
    ]);
    expect(november[0]!.data.adjusts).toBe(chargeIdOf(acme, 'monthly-fee', '2025-10', 0));
    expect(november[0]!.data.chargeId).toBe(chargeIdOf(acme, 'monthly-fee', '2025-10', 1));
  });

  it('closes December and the 2025 billing year with 7 counted verifications', () => {
    const december = billing.close('2026-01-01T02:00:00');

    expect(summary(december)).toEqual([
      {
        type: 'ChargeIssued',
        orgId: acme,
        kind: 'monthly-fee',
        period: '2025-12',
        revision: 0,
        quantity: 1,
        amount: 300,
      },
      { type: 'ChargeIssued', orgId: acme, kind: 'verification', period: '2025', revision: 0, quantity: 7, amount: 70 },
    ]);
    expect(december[1]!.data.lines).toEqual([{ from: 1, to: 1000, quantity: 7, unitPrice: '10', amount: '70' }]);
  });
});
