import { NoVersionInForceError, StoredEvent, chargeIdOf, closeDecider } from '../src';
import { DeciderSpecification } from './support/decider-specification';
import { closeAsOf, contractOpened, registered, revoked, summary, verified } from './support/events';
import { sampleTariff } from './support/sample-tariff';

/** The close as a decider (given events, when a close runs as of an instant, then these charges). */
describe('the close decider', () => {
  const decider = closeDecider(sampleTariff);
  const given = DeciderSpecification.for(decider);
  /** What a close issued on these events: the given events of a later close. */
  const issuedOn = (events: readonly StoredEvent[], asOf: string) =>
    decider.decide(
      closeAsOf(asOf),
      events.reduce((state, event) => decider.evolve(state, event), decider.initialState()),
    );
  const acme = 'acme';
  const opened = contractOpened(acme, ['entry-exit', 'id'], {
    appliedOn: '2025-10-05',
    openedOn: '2025-10-10',
    declaredMembers: 80,
    plannedUsers: 120,
  });

  it('decides the charges of every due period, organisation by organisation in id order', () => {
    given([
      contractOpened('zeta', ['entry-exit', 'id'], { appliedOn: '2025-10-01', openedOn: '2025-10-01' }),
      opened,
      registered(acme, 'a', '2025-10-10T09:00:00'),
      registered('zeta', 'z', '2025-10-11T09:00:00'),
    ])
      .when(closeAsOf('2025-11-01T01:00:00'))
      .then((charges) =>
        expect(summary(charges).map(({ orgId, kind, quantity }) => [orgId, kind, quantity])).toEqual([
          [acme, 'initial-fee', 120],
          [acme, 'id-registration', 1],
          [acme, 'monthly-fee', 1],
          ['zeta', 'initial-fee', 10],
          ['zeta', 'id-registration', 1],
          ['zeta', 'monthly-fee', 1],
        ]),
      );
  });

  it('decides nothing before a period is due (its end plus the grace)', () => {
    given([opened, registered(acme, 'a', '2025-10-10T09:00:00')])
      .when(closeAsOf('2025-11-01T00:59:59'))
      .thenNothingHappened();
  });

  it('decides nothing again once what it decided is stored', () => {
    const events = [opened, registered(acme, 'a', '2025-10-10T09:00:00')];
    const issued = issuedOn(events, '2025-11-01T01:00:00');
    expect(issued).toHaveLength(3);
    given([...events, ...issued])
      .when(closeAsOf('2025-11-01T01:00:00'))
      .thenNothingHappened();
  });

  it('adjusts a closed month for a late event, linked to the original', () => {
    const original = issuedOn([opened, registered(acme, 'a', '2025-10-10T09:00:00')], '2025-11-01T01:00:00');
    given([
      opened,
      registered(acme, 'a', '2025-10-10T09:00:00'),
      ...original,
      revoked(acme, 'a', '2025-10-20T09:00:00'),
    ])
      .when(closeAsOf('2025-11-01T02:00:00'))
      .then((charges) => {
        expect(summary(charges)).toEqual([
          {
            type: 'ChargeAdjusted',
            orgId: acme,
            kind: 'monthly-fee',
            period: '2025-10',
            revision: 1,
            quantity: -1,
            amount: -300,
          },
        ]);
        expect(charges[0]!.data.adjusts).toBe(chargeIdOf(acme, 'monthly-fee', '2025-10', 0));
      });
  });

  it('bills no verification year of zero counted verifications (§2.4)', () => {
    given([opened, verified(acme, acme, '2025-10-20T12:00:00')])
      .when(closeAsOf('2026-01-01T01:00:00'))
      .then((charges) => expect(charges.filter((c) => c.data.kind === 'verification')).toEqual([]));
  });

  it('refuses to rate a period no tariff version covers', () => {
    given([contractOpened(acme, ['entry-exit', 'id'], { appliedOn: '2025-08-01', openedOn: '2025-09-01' })])
      .when(closeAsOf('2025-10-01T01:00:00'))
      .thenThrows((error) => error instanceof NoVersionInForceError && error.message.includes('2025-09'));
  });
});
