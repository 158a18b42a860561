import { IdUnit, VerificationUnit } from '../lineage/charge-unit';
import { DayNumber } from '../time/jst-date';
import { UsageView } from './usage-view';

/**
 * The units behind UsageView's counts, over the same spans: what explain lists. Only a
 * usage that keeps its IDs and events can say (a fold of one organisation's events); the
 * projections keep counters, which is all the close needs.
 */
export interface UsageUnits {
  /** The IDs active at the end of `day`, by ID, each with the registration that made it active. */
  activeIdsAtEndOf(day: DayNumber): IdUnit[];
  /** The IDs newly registered in the span, by ID, each with the registration counted. */
  registeredIdsIn(fromDay: DayNumber, toDay: DayNumber): IdUnit[];
  /** The counted verifications of the span, in event order. */
  countedVerificationsIn(fromDay: DayNumber, toDay: DayNumber): VerificationUnit[];
}

export function hasUnits(usage: UsageView): usage is UsageView & UsageUnits {
  return 'activeIdsAtEndOf' in usage;
}
