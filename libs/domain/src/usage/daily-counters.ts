import { DayNumber } from '../time/jst-date';
import { UsageView, VerificationCounts } from './usage-view';

export interface DayCounts {
  registrations: number;
  activeChange: number;
  verificationsCounted: number;
  verificationsInternal: number;
}

export type CounterName = keyof DayCounts;

/**
 * An organisation's usage as counters per JST day. Every rule's quantity is a sum of
 * them over a span of days, which keeps late events cheap: an event only moves the
 * counters of the days it touches.
 */
export class DailyCounters implements UsageView {
  private readonly days = new Map<DayNumber, DayCounts>();
  /** Running totals over the days in order, built on the first query after a change. */
  private index: PrefixSums | null = null;

  add(day: DayNumber, counter: CounterName, delta: number): void {
    if (delta === 0) return;
    this.index = null;
    let counts = this.days.get(day);
    if (!counts) {
      counts = { registrations: 0, activeChange: 0, verificationsCounted: 0, verificationsInternal: 0 };
      this.days.set(day, counts);
    }
    counts[counter] += delta;
  }

  registrations(fromDay: DayNumber, toDay: DayNumber): number {
    return this.sum('registrations', fromDay, toDay);
  }

  activeAtEndOf(day: DayNumber): number {
    return this.sum('activeChange', -Infinity, day);
  }

  verifications(fromDay: DayNumber, toDay: DayNumber): VerificationCounts {
    return {
      counted: this.sum('verificationsCounted', fromDay, toDay),
      internal: this.sum('verificationsInternal', fromDay, toDay),
    };
  }

  /** The counters of one day, if any were ever touched. */
  on(day: DayNumber): Readonly<DayCounts> | undefined {
    return this.days.get(day);
  }

  /** How many days were ever touched (some may have come back to zero). */
  get dayCount(): number {
    return this.days.size;
  }

  /** Days with any counter set, ascending: for projections that persist them. */
  entries(): [DayNumber, Readonly<DayCounts>][] {
    return [...this.days.entries()].sort(([a], [b]) => a - b);
  }

  /** A close asks a dozen spans of every organisation: running totals make each a binary search. */
  private sum(counter: CounterName, fromDay: DayNumber, toDay: DayNumber): number {
    this.index ??= prefixSums(this.days);
    const { days, totals } = this.index;
    const upTo = (day: DayNumber) => {
      const at = lastIndexAtOrBefore(days, day);
      return at < 0 ? 0 : totals[counter][at]!;
    };
    return toDay < fromDay ? 0 : upTo(toDay) - upTo(fromDay - 1);
  }
}

interface PrefixSums {
  readonly days: readonly DayNumber[];
  readonly totals: Readonly<Record<CounterName, readonly number[]>>;
}

const COUNTERS: readonly CounterName[] = [
  'registrations',
  'activeChange',
  'verificationsCounted',
  'verificationsInternal',
];

function prefixSums(byDay: ReadonlyMap<DayNumber, DayCounts>): PrefixSums {
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const totals = Object.fromEntries(
    COUNTERS.map((counter) => {
      let running = 0;
      return [counter, days.map((day) => (running += byDay.get(day)![counter]))];
    }),
  ) as Record<CounterName, number[]>;
  return { days, totals };
}

function lastIndexAtOrBefore(days: readonly DayNumber[], day: DayNumber): number {
  let low = 0;
  let high = days.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (days[mid]! <= day) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}
