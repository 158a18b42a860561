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

  add(day: DayNumber, counter: CounterName, delta: number): void {
    if (delta === 0) return;
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

  /** Days with any counter set, ascending: for projections that persist them. */
  entries(): [DayNumber, Readonly<DayCounts>][] {
    return [...this.days.entries()].sort(([a], [b]) => a - b);
  }

  private sum(counter: CounterName, fromDay: DayNumber, toDay: DayNumber): number {
    let total = 0;
    for (const [day, counts] of this.days) if (day >= fromDay && day <= toDay) total += counts[counter];
    return total;
  }
}
