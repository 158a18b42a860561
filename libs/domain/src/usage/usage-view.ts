import { DayNumber } from '../time/jst-date';

export interface VerificationCounts {
  /** Verifications by another organisation: the ones billed (§2.4). */
  readonly counted: number;
  /** Verifications between credentials of the same organisation: reported, not billed. */
  readonly internal: number;
}

/**
 * The counters behind an organisation's charges, over any span of JST days. The close
 * reads usage only through this view, so a projection can answer it from whatever
 * storage it keeps.
 */
export interface UsageView {
  /** Distinct IDs newly registered in a month, counted up to `toDay` of that month. */
  registrations(fromDay: DayNumber, toDay: DayNumber): number;
  /** IDs active at the end of `day` (its last instant). */
  activeAtEndOf(day: DayNumber): number;
  verifications(fromDay: DayNumber, toDay: DayNumber): VerificationCounts;
}
