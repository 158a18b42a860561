import { ChargeEvent, chargeLineage, closeDecider } from '../src';
import {
  Billing,
  contractOpened,
  headcountChanged,
  lineageQuestion,
  registered,
  revoked,
  verified,
} from './support/events';
import { sampleTariff } from './support/sample-tariff';

/** explain's lineage (interfaces.md §3) on the worked example (§6): what each charge counted, from the decision. */
describe('charge lineage', () => {
  const acme = 'acme';
  const decider = closeDecider(sampleTariff);
  const billing = new Billing(sampleTariff);
  const ids = {
    opened: 'open-acme',
    a: 'reg-a',
    b: 'reg-b',
    c: 'reg-c',
    revokeC: 'rev-c',
    reregisterC: 'reg-c-again',
    revokeB: 'rev-b',
    lateRevokeA: 'rev-a-late',
  };
  const charge = (kind: string, period: string, revision = 0): ChargeEvent =>
    billing.issued.find((c) => c.data.kind === kind && c.data.period === period && c.data.revision === revision)!;
  const lineageOf = (event: ChargeEvent) => chargeLineage(decider, lineageQuestion(billing.stored, event));

  beforeAll(() => {
    billing.given(
      contractOpened(acme, ['entry-exit', 'id'], {
        appliedOn: '2025-10-05',
        openedOn: '2025-10-10',
        declaredMembers: 80,
        plannedUsers: 120,
        id: ids.opened,
      }),
      registered(acme, 'a', '2025-10-10T09:00:00', ids.a),
      registered(acme, 'b', '2025-10-11T09:00:00', ids.b),
      registered(acme, 'c', '2025-10-12T09:00:00', ids.c),
      revoked(acme, 'c', '2025-10-20T09:00:00', ids.revokeC),
      registered(acme, 'c', '2025-10-25T09:00:00', ids.reregisterC),
      revoked(acme, 'b', '2025-10-31T23:59:59', ids.revokeB),
      ...[13, 14, 15, 16].map((day) => verified(acme, 'beta', `2025-10-${day}T12:00:00`, `ver-beta-${day}`)),
      ...[20, 21, 22, 23].map((day) => verified(acme, acme, `2025-10-${day}T12:00:00`, `ver-acme-${day}`)),
    );
    billing.close('2025-11-01T01:00:00');
    billing.given(
      revoked(acme, 'a', '2025-10-15T09:00:00', ids.lateRevokeA),
      ...[1, 2, 3].map((day) => verified(acme, 'beta', `2025-12-0${day}T12:00:00`, `ver-beta-dec-${day}`)),
    );
    billing.close('2025-12-01T02:00:00');
    billing.close('2026-01-01T02:00:00');
  });

  it("counts October's monthly fee as the IDs active at the month end, each with the registration that made it active", () => {
    expect(lineageOf(charge('monthly-fee', '2025-10'))).toMatchObject({
      units: [
        { idId: 'a', event: ids.a },
        { idId: 'c', event: ids.reregisterC },
      ],
      unitCount: 2,
      added: null,
      removed: null,
    });
  });

  it('lists what a late revocation removed under the adjustment it caused', () => {
    const adjustment = lineageOf(charge('monthly-fee', '2025-10', 1));
    expect(adjustment).toMatchObject({
      units: [{ idId: 'c', event: ids.reregisterC }],
      unitCount: 1,
      added: [],
      removed: [{ idId: 'a', event: ids.a }],
    });
    // The original still counts what its close knew: the late event is not in its history.
    expect(lineageOf(charge('monthly-fee', '2025-10')).unitCount).toBe(2);
    expect(adjustment.events.map((e) => e.id)).toContain(ids.lateRevokeA);
  });

  it("counts October's registrations once per ID, with the registration counted (c's first, not its return)", () => {
    expect(lineageOf(charge('id-registration', '2025-10'))).toMatchObject({
      units: [
        { idId: 'a', event: ids.a },
        { idId: 'b', event: ids.b },
        { idId: 'c', event: ids.c },
      ],
      unitCount: 3,
    });
  });

  it('counts the verifications of other organisations only, in event order', () => {
    const lineage = lineageOf(charge('verification', '2025'));
    expect(lineage.unitCount).toBe(7);
    expect(lineage.units).toEqual([
      ...[13, 14, 15, 16].map((day) => ({ event: `ver-beta-${day}`, verifierOrgId: 'beta' })),
      ...[1, 2, 3].map((day) => ({ event: `ver-beta-dec-${day}`, verifierOrgId: 'beta' })),
    ]);
  });

  it('gives the initial fee one unit: its basis, from the application', () => {
    expect(lineageOf(charge('initial-fee', '2025-10'))).toMatchObject({
      units: [{ basis: 120, source: 'application', event: ids.opened }],
      unitCount: 1,
      events: [{ id: ids.opened }],
    });
  });

  it('gives a true-up the basis that set its requirement: a headcount report, or the active count', () => {
    const org = 'growing';
    const trueUps = new Billing(sampleTariff).given(
      contractOpened(org, ['entry-exit', 'id'], {
        appliedOn: '2025-10-01',
        openedOn: '2025-10-01',
        declaredMembers: 50,
        plannedUsers: 50,
      }),
    );
    trueUps.close('2025-11-01T01:00:00');
    const report = headcountChanged(org, '2025-11-15', 120, 10);
    trueUps.given(report);
    const [november] = trueUps.close('2025-12-01T01:00:00').filter((c) => c.data.kind === 'initial-fee-true-up');
    expect(chargeLineage(decider, lineageQuestion(trueUps.stored, november!))).toMatchObject({
      units: [{ basis: 120, source: 'headcount-report', event: report.id }],
      unitCount: 1,
    });

    const overLimit = new Billing(sampleTariff).given(
      contractOpened(org, ['entry-exit', 'id'], {
        appliedOn: '2025-10-01',
        openedOn: '2025-10-01',
        declaredMembers: 80,
        plannedUsers: 80,
      }),
    );
    for (let i = 0; i < 101; i++) overLimit.given(registered(org, `id-${i}`, '2025-11-05T10:00:00'));
    const [active] = overLimit.close('2025-12-01T01:00:00').filter((c) => c.data.kind === 'initial-fee-true-up');
    expect(chargeLineage(decider, lineageQuestion(overLimit.stored, active!))).toMatchObject({
      units: [{ basis: 101, source: 'active-count', event: null }],
      unitCount: 1,
    });
  });
});
