import { Contract } from '../contract/contract';
import {
  BillingMonth,
  firstDayOf,
  formatMonth,
  lastDayOf,
  monthOfDay,
  monthStartMs,
  parseMonth,
} from '../time/billing-month';
import { BillingYear, billingYearNamed, billingYearOf } from '../time/billing-year';
import { DayNumber } from '../time/jst-date';

/**
 * A period the organisation is billed for, cut to its contract: it starts no earlier
 * than the opening month and ends at the end of the closing date, if any (§2.5).
 */
export interface BillingPeriod {
  readonly type: 'month' | 'year';
  /** `YYYY-MM` or `YYYY` (interfaces.md §2). */
  readonly name: string;
  readonly firstDay: DayNumber;
  /** The day whose end gives the period's state, and whose tariff version rates it. */
  readonly lastDay: DayNumber;
  readonly month: BillingMonth | null;
  /** When the close may issue its charges: the period's end plus the grace (§5). */
  readonly dueAtMs: number;
}

export interface BillingWindow {
  readonly openingMonth: BillingMonth;
  /** Null while the contract is open. */
  readonly closingDay: DayNumber | null;
}

/** The span a contract is billed for; null when it has no ID service to bill. */
export function billingWindowOf(contract: Contract | null): BillingWindow | null {
  if (!contract?.idService) return null;
  const openingMonth = monthOfDay(contract.idService.openedOn);
  const closingDay = contract.closedOn;
  // A contract closed before its ID service opened never billed anything.
  if (closingDay !== null && closingDay < contract.idService.openedOn) return null;
  return { openingMonth, closingDay };
}

/**
 * Every period of the window whose close is due at `asOfMs`, in the order they close:
 * each month, and a billing year right after its last month (or the closing month,
 * which closes the year early).
 */
export function periodsDueBy(
  window: BillingWindow,
  startMonth: number,
  asOfMs: number,
  graceMs: number,
): BillingPeriod[] {
  const periods: BillingPeriod[] = [];
  const lastMonth = window.closingDay === null ? Infinity : monthOfDay(window.closingDay);
  for (let month = window.openingMonth; month <= lastMonth; month++) {
    const period = monthPeriod(window, month, graceMs);
    if (period.dueAtMs > asOfMs) break;
    periods.push(period);
    const year = billingYearOf(month, startMonth);
    if (month === year.lastMonth || month === lastMonth) periods.push(yearPeriod(window, year, graceMs));
  }
  return periods;
}

export function monthPeriod(window: BillingWindow, month: BillingMonth, graceMs: number): BillingPeriod {
  return {
    type: 'month',
    name: formatMonth(month),
    firstDay: firstDayOf(month),
    lastDay: cutAtClosing(window, lastDayOf(month)),
    month,
    dueAtMs: monthStartMs(month + 1) + graceMs,
  };
}

export function yearPeriod(window: BillingWindow, year: BillingYear, graceMs: number): BillingPeriod {
  const lastDay = cutAtClosing(window, lastDayOf(year.lastMonth));
  return {
    type: 'year',
    name: String(year.name),
    firstDay: firstDayOf(Math.max(year.firstMonth, window.openingMonth)),
    lastDay,
    month: null,
    dueAtMs: monthStartMs(monthOfDay(lastDay) + 1) + graceMs,
  };
}

function cutAtClosing(window: BillingWindow, day: DayNumber): DayNumber {
  return window.closingDay === null ? day : Math.min(day, window.closingDay);
}

/** Whether a period, by name, has any day the window bills. */
export function isBillable(window: BillingWindow | null, periodName: string, startMonth: number): boolean {
  if (!window) return false;
  const lastMonth = window.closingDay === null ? Infinity : monthOfDay(window.closingDay);
  const year = /^\d{4}$/.test(periodName) ? billingYearNamed(Number(periodName), startMonth) : null;
  const first = year ? year.firstMonth : parseMonth(periodName);
  const last = year ? year.lastMonth : first;
  return last >= window.openingMonth && first <= lastMonth;
}

/**
 * The period named `YYYY-MM` or `YYYY` as the contract bills it (cut to its closing
 * date and, for a year, to its opening month); the plain calendar span without one.
 */
export function periodNamed(
  name: string,
  window: BillingWindow | null,
  startMonth: number,
  graceMs: number,
): BillingPeriod {
  const bounds = window ?? { openingMonth: -Infinity, closingDay: null };
  return /^\d{4}$/.test(name)
    ? yearPeriod(bounds, billingYearNamed(Number(name), startMonth), graceMs)
    : monthPeriod(bounds, parseMonth(name), graceMs);
}
