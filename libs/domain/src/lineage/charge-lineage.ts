import { BillingState, evolve, initialBillingState, materialsOf } from '../billing-state';
import { ChargeEvent, ChargeKind } from '../charges/charge';
import { billingWindowOf, periodNamed } from '../close/billing-period';
import { CloseDecider } from '../close/close-decider';
import { admit } from '../contract/admission';
import { InputEvent } from '../events/input-event';
import {
  EventFamily,
  STORED_EVENT_TYPES,
  StoredEvent,
  StoredEventType,
  familyOf,
  isInputEvent,
} from '../events/stored-event';
import { parseInstant } from '../time/instant';
import { ChargeUnit } from './charge-unit';
import { lineageEvents } from './lineage-events';

/**
 * The event types a charge kind's lineage depends on: a history kept to them explains a
 * charge exactly as the whole history does, and costs far less to read for an organisation
 * whose events are mostly verifications. Contract applications and charges always (the
 * contract's window, what was issued); ID lifecycles for what counts IDs (and the
 * true-up's active count); verifications only for the verification charge, which nothing
 * else depends on. The initial fee depends on its application alone.
 */
export function eventTypesBehind(kind: ChargeKind): StoredEventType[] {
  const families = familiesBehind(kind);
  return STORED_EVENT_TYPES.filter((type) => families.includes(familyOf(type)));
}

function familiesBehind(kind: ChargeKind): readonly EventFamily[] {
  switch (kind) {
    case 'initial-fee':
      return ['contract', 'charge'];
    case 'initial-fee-true-up':
    case 'id-registration':
    case 'monthly-fee':
      return ['id-lifecycle', 'contract', 'charge'];
    case 'verification':
      return ['verification', 'contract', 'charge'];
    default: {
      const _exhaustive: never = kind;
      throw new TypeError(`no lineage for charge kind ${String(_exhaustive)}`);
    }
  }
}

/** What explain asks: a charge, and the organisation's history as the store holds it. */
export interface LineageQuestion {
  readonly charge: ChargeEvent;
  /**
   * The organisation's events stored before the charge (input events and charges), or
   * only those of eventTypesBehind(kind), in any order but those stored before the previous
   * revision first (the fold places events by event time; only what each close had seen matters).
   */
  readonly history: readonly StoredEvent[];
  /** For an adjustment: the revision before it, stored after the first `storedAfter` events of `history`. */
  readonly previous: { readonly charge: ChargeEvent; readonly storedAfter: number } | null;
}

/** The lineage of a charge (interfaces.md §3, `explain`). */
export interface ChargeLineage {
  /** What the period total after this charge counts, as the decision counted it. */
  readonly units: readonly ChargeUnit[];
  readonly unitCount: number;
  /** For an adjustment, the units gained and lost against the revision before it; null for an original. */
  readonly added: readonly ChargeUnit[] | null;
  readonly removed: readonly ChargeUnit[] | null;
  /** The input events the figure depends on, in event order (lineageEvents). */
  readonly events: readonly InputEvent[];
}

/**
 * The lineage of a charge, from the decision itself: the organisation's history is folded
 * up to where the close that issued the charge stood (everything stored before it), the
 * close is asked again as of the charge's instant, and the assessment of the charge's kind
 * and period says what it counted. For an adjustment the same is asked where the revision
 * before it was issued, and the two are compared.
 */
export function chargeLineage(decider: CloseDecider, question: LineageQuestion): ChargeLineage {
  const { charge, history, previous } = question;
  const state = initialBillingState({ deduplicate: false, units: true });
  let folded = 0;
  const foldUpTo = (count: number) => {
    for (; folded < count; folded++) evolve(state, history[folded]!);
  };
  let before: readonly ChargeUnit[] | null = null;
  if (previous) {
    foldUpTo(previous.storedAfter);
    before = unitsCounted(decider, state, previous.charge);
  }
  foldUpTo(history.length);
  const units = unitsCounted(decider, state, charge);
  return {
    units,
    unitCount: units.length,
    added: before ? difference(units, before) : null,
    removed: before ? difference(before, units) : null,
    events: eventsBehind(decider, state, charge, history),
  };
}

/**
 * What the assessment behind a charge counted, asked of the close as of the charge's
 * instant. With no grace: the charge's period was due then (it was issued), and periods
 * the grace would have left out come after it, so they change nothing before it.
 */
function unitsCounted(decider: CloseDecider, state: BillingState, charge: ChargeEvent): readonly ChargeUnit[] {
  const org = state.organisations.get(charge.data.orgId);
  if (!org) return [];
  const command = { asOfMs: parseInstant(charge.time).epochMs, closeGraceMs: 0 };
  const decision = decider
    .decisionsFor(command, materialsOf(org))
    .find(({ assessment }) => assessment.kind === charge.data.kind && assessment.period === charge.data.period);
  return decision ? decision.assessment.counted() : [];
}

function eventsBehind(
  decider: CloseDecider,
  state: BillingState,
  charge: ChargeEvent,
  history: readonly StoredEvent[],
): InputEvent[] {
  const { tariff } = decider;
  const { orgId, kind, period: name } = charge.data;
  const applications = state.organisations.get(orgId)?.applications ?? [];
  const admission = admit(orgId, applications, tariff);
  const period = periodNamed(name, billingWindowOf(admission.contract), tariff.verificationYear.startMonth, 0);
  return lineageEvents(kind, period, admission, history.filter(isInputEvent));
}

/** The units of `a` that `b` does not have (a unit is its whole content: an ID made active by another event is another unit). */
function difference(a: readonly ChargeUnit[], b: readonly ChargeUnit[]): ChargeUnit[] {
  const inB = new Set(b.map(unitKey));
  return a.filter((unit) => !inB.has(unitKey(unit)));
}

/** Units are built with their keys in one order, so their JSON is canonical. */
function unitKey(unit: ChargeUnit): string {
  return JSON.stringify(unit);
}
