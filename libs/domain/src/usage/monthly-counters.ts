import { firstDayOf, lastDayOf, monthOfDay } from '../time/billing-month';
import { DayNumber } from '../time/jst-date';
import { CounterName, DailyCounters } from './daily-counters';
import { UsageView, VerificationCounts } from './usage-view';

/** A question monthly counters cannot answer: a span that starts or ends inside a month. */
export class MonthResolutionError extends Error {}

/**
 * An organisation's usage summed per month: enough for every period whose days are whole
 * months, which is every period of an organisation whose contract has no closing date
 * (periods are cut short only at a closing date, billing-period.ts). A projection can
 * hand the close these instead of a year of daily counters. Any other span is refused
 * loudly rather than answered wrongly.
 */
export class MonthlyCounters implements UsageView {
  /** Each month's sums, kept on its last day. */
  private readonly byMonthEnd = new DailyCounters();

  /** Adds to the counters of the month that `day` falls in. */
  add(day: DayNumber, counter: CounterName, delta: number): void {
    this.byMonthEnd.add(lastDayOf(monthOfDay(day)), counter, delta);
  }

  registrations(fromDay: DayNumber, toDay: DayNumber): number {
    assertWholeMonths(fromDay, toDay);
    return this.byMonthEnd.registrations(fromDay, toDay);
  }

  activeAtEndOf(day: DayNumber): number {
    assertMonthEnd(day);
    return this.byMonthEnd.activeAtEndOf(day);
  }

  verifications(fromDay: DayNumber, toDay: DayNumber): VerificationCounts {
    assertWholeMonths(fromDay, toDay);
    return this.byMonthEnd.verifications(fromDay, toDay);
  }
}

function assertWholeMonths(fromDay: DayNumber, toDay: DayNumber): void {
  if (firstDayOf(monthOfDay(fromDay)) !== fromDay)
    throw new MonthResolutionError(`monthly counters cannot answer a span starting on day ${fromDay}, inside a month`);
  assertMonthEnd(toDay);
}

function assertMonthEnd(day: DayNumber): void {
  if (lastDayOf(monthOfDay(day)) !== day)
    throw new MonthResolutionError(`monthly counters cannot answer a span ending on day ${day}, inside a month`);
}
