import { ChargeKind } from '../charges/charge';
import { reportsAssessedIn } from '../close/assess-initial-fee';
import { BillingPeriod } from '../close/billing-period';
import { Admission } from '../contract/admission';
import { inEventOrder } from '../events/event-order';
import { IdLifecycleEvent } from '../events/identity-events';
import { InputEvent } from '../events/input-event';
import { isIdLifecycleEvent, isVerification } from '../events/stored-event';
import { parseInstant } from '../time/instant';
import { DayNumber, dayOfInstant } from '../time/jst-date';

/**
 * The input events a charge's figure depends on, in event order (ties by id), per kind
 * (billing-rules.md §2):
 * - `monthly-fee`: every ID registration and revocation up to the end of the period (they
 *   decide which IDs are active at its end);
 * - `id-registration`: the registrations and revocations within the period, and for each ID
 *   registered in it the last lifecycle event before it (whether the ID was already active,
 *   which makes a registration a no-op);
 * - `verification`: the counted verifications of the organisation's credentials in the
 *   billing year (internal ones are not billed, so they are not listed);
 * - `initial-fee`: the application that gave the contract its ID service (its basis);
 * - `initial-fee-true-up`: that application, the headcount reports the month assesses
 *   (reportsAssessedIn, the rule assessTrueUpRequirement applies) and the ID lifecycle up
 *   to the month end (the over-limit check on the active count).
 * The contract closure that cut the period short is listed too.
 */
export function lineageEvents(
  kind: ChargeKind,
  period: BillingPeriod,
  admission: Admission,
  inputs: readonly InputEvent[],
): InputEvent[] {
  const contract = admission.contract;
  const dayOf = daysOf();
  const lifecycle = inputs.filter(isIdLifecycleEvent);
  const byId = (ids: readonly (string | undefined)[]) => inputs.filter((event) => ids.includes(event.id));
  const lifecycleUpToEnd = () => lifecycle.filter((event) => dayOf(event) <= period.lastDay);
  // The closure that ended the contract within the period decided where the period ends.
  const closedOn = contract?.closedOn ?? null;
  const closure =
    closedOn !== null && within(period, closedOn)
      ? admission.decisions.find((d) => d.type === 'ContractClosed' && d.status === 'accepted')
      : undefined;
  // Concatenated, not spread into push: an organisation may have hundreds of thousands.
  const chosen = ((): InputEvent[] => {
    switch (kind) {
      case 'monthly-fee':
        return lifecycleUpToEnd();
      case 'id-registration':
        return registrationsIn(period, lifecycle, dayOf);
      case 'verification':
        return inputs
          .filter(isVerification)
          .filter((event) => event.data.verifierOrgId !== event.data.holderOrgId && within(period, dayOf(event)));
      case 'initial-fee':
        return byId([contract?.idService?.eventId]);
      case 'initial-fee-true-up': {
        const reports = contract ? reportsAssessedIn(contract, period) : [];
        return byId([contract?.idService?.eventId, ...reports.map((r) => r.eventId)]).concat(lifecycleUpToEnd());
      }
      default: {
        const _exhaustive: never = kind;
        throw new TypeError(`no lineage for charge kind ${String(_exhaustive)}`);
      }
    }
  })().concat(byId([closure?.eventId]));
  return inEventOrder(chosen);
}

/**
 * The lifecycle events of a month, and before it the last event of each ID registered in
 * the month: a registration counts only if the ID was not active already (§2.1).
 */
function registrationsIn(
  period: BillingPeriod,
  lifecycle: readonly IdLifecycleEvent[],
  dayOf: (event: InputEvent) => DayNumber,
): IdLifecycleEvent[] {
  const inPeriod = lifecycle.filter((event) => within(period, dayOf(event)));
  const registered = new Set(inPeriod.filter((event) => event.type === 'IdRegistered').map((e) => e.data.idId));
  const before = new Map<string, IdLifecycleEvent>();
  const earlier = lifecycle.filter((event) => dayOf(event) < period.firstDay && registered.has(event.data.idId));
  for (const event of inEventOrder(earlier)) before.set(event.data.idId, event);
  return [...before.values(), ...inPeriod];
}

/** The JST day of each event, each parsed once (an organisation may have hundreds of thousands). */
function daysOf(): (event: InputEvent) => DayNumber {
  const days = new Map<InputEvent, DayNumber>();
  return (event) => {
    let day = days.get(event);
    if (day === undefined) days.set(event, (day = dayOfInstant(parseInstant(event.time).epochMs)));
    return day;
  };
}

function within(period: BillingPeriod, day: DayNumber): boolean {
  return day >= period.firstDay && day <= period.lastDay;
}
