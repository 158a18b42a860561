import { BillingMonth, monthOfDay } from '../time/billing-month';
import { DayNumber, dayOfInstant } from '../time/jst-date';
import { IdTimeline } from './id-timeline';

/**
 * What one ID adds to its organisation's daily counters.
 * - `registrationDays`: for each month in which the ID was newly registered (it was not
 *   active just before), the first such day. The ID counts once in that month (§2.1
 *   Decision), on that day, so a period ending mid-month counts it only if that day is in.
 * - `activeChanges`: +1 on the day an active spell starts, −1 on the day it ends. The
 *   active count at the end of day D is the sum of changes up to D: an ID revoked on D is
 *   not active at the end of D, one registered on D is.
 */
export interface IdContribution {
  readonly registrationDays: readonly DayNumber[];
  readonly activeChanges: ReadonlyMap<DayNumber, number>;
}

const NOTHING: IdContribution = { registrationDays: [], activeChanges: new Map() };

export function contributionOf(timeline: IdTimeline): IdContribution {
  if (timeline.length === 0) return NOTHING;
  const registrationDays: DayNumber[] = [];
  const activeChanges = new Map<DayNumber, number>();
  const countedMonths = new Set<BillingMonth>();
  let activeSince: DayNumber | null = null;
  for (const entry of timeline) {
    const day = dayOfInstant(entry.epochMs);
    if (entry.registers && activeSince === null) {
      activeSince = day;
      const month = monthOfDay(day);
      if (!countedMonths.has(month)) {
        countedMonths.add(month);
        registrationDays.push(day);
      }
    } else if (!entry.registers && activeSince !== null) {
      addChange(activeChanges, activeSince, +1);
      addChange(activeChanges, day, -1);
      activeSince = null;
    }
    // A registration of an active ID, or a revocation of an inactive one, changes nothing.
  }
  if (activeSince !== null) addChange(activeChanges, activeSince, +1);
  return { registrationDays, activeChanges };
}

function addChange(changes: Map<DayNumber, number>, day: DayNumber, delta: number): void {
  const next = (changes.get(day) ?? 0) + delta;
  if (next === 0) changes.delete(day);
  else changes.set(day, next);
}
