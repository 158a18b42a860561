import { BillingMonth, monthOfDay } from '../time/billing-month';
import { DayNumber, dayOfInstant } from '../time/jst-date';
import { IdTimeline, LifecycleEntry } from './id-timeline';

/**
 * How §2.1 and §2.2 read one ID's timeline, in one place: the counters (contributionOf) and
 * the units a charge counted (explain) are both this walk.
 * - `newRegistration`: the ID was newly registered (it was not active just before), for the
 *   first time in that month: it counts once in that month (§2.1 Decision), on that day, so a
 *   period ending mid-month counts it only if that day is in.
 * - `activeSpell`: the ID is active from the end of `from` until (excluding) the end of
 *   `until` (null: still active); `startedBy` is the registration that made it active.
 */
export interface TimelineReader {
  newRegistration(day: DayNumber, entry: LifecycleEntry): void;
  activeSpell(from: DayNumber, until: DayNumber | null, startedBy: LifecycleEntry): void;
}

export function readTimeline(timeline: IdTimeline, reader: TimelineReader): void {
  const countedMonths = new Set<BillingMonth>();
  let spell: { readonly from: DayNumber; readonly startedBy: LifecycleEntry } | null = null;
  for (const entry of timeline) {
    const day = dayOfInstant(entry.epochMs);
    if (entry.registers && spell === null) {
      spell = { from: day, startedBy: entry };
      const month = monthOfDay(day);
      if (!countedMonths.has(month)) {
        countedMonths.add(month);
        reader.newRegistration(day, entry);
      }
    } else if (!entry.registers && spell !== null) {
      reader.activeSpell(spell.from, day, spell.startedBy);
      spell = null;
    }
    // A registration of an active ID, or a revocation of an inactive one, changes nothing.
  }
  if (spell !== null) reader.activeSpell(spell.from, null, spell.startedBy);
}

/**
 * What one ID adds to its organisation's daily counters.
 * - `registrationDays`: the day of each counted new registration (readTimeline).
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
  readTimeline(timeline, {
    newRegistration: (day) => registrationDays.push(day),
    activeSpell: (from, until) => {
      addChange(activeChanges, from, +1);
      if (until !== null) addChange(activeChanges, until, -1);
    },
  });
  return { registrationDays, activeChanges };
}

function addChange(changes: Map<DayNumber, number>, day: DayNumber, delta: number): void {
  const next = (changes.get(day) ?? 0) + delta;
  if (next === 0) changes.delete(day);
  else changes.set(day, next);
}
