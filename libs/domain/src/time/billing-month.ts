import { civilFromDays } from './civil-calendar';
import { DayNumber, dayOfInstant, dayStartMs } from './jst-date';
import { MS_PER_DAY } from './jst';

/**
 * A billing month (料金月): a calendar month in Asia/Tokyo, as a month number
 * (year × 12 + month − 1) so that months compare and step as integers.
 */
export type BillingMonth = number;

const MONTH_ID = /^(\d{4})-(\d{2})$/;

export function billingMonth(year: number, month: number): BillingMonth {
  return year * 12 + (month - 1);
}

export function monthOfDay(day: DayNumber): BillingMonth {
  const { year, month } = civilFromDays(day);
  return billingMonth(year, month);
}

export function monthOfInstant(epochMs: number): BillingMonth {
  return monthOfDay(dayOfInstant(epochMs));
}

export function yearOfMonth(month: BillingMonth): number {
  return Math.floor(month / 12);
}

/** 1 = January … 12 = December. */
export function calendarMonthOf(month: BillingMonth): number {
  return (month % 12) + 1;
}

export function firstDayOf(month: BillingMonth): DayNumber {
  return Date.UTC(yearOfMonth(month), month % 12, 1) / MS_PER_DAY;
}

export function lastDayOf(month: BillingMonth): DayNumber {
  return firstDayOf(month + 1) - 1;
}

/** The first instant of the month; the month ends (exclusive) at the next month's start. */
export function monthStartMs(month: BillingMonth): number {
  return dayStartMs(firstDayOf(month));
}

export function formatMonth(month: BillingMonth): string {
  return `${yearOfMonth(month)}-${String(calendarMonthOf(month)).padStart(2, '0')}`;
}

export function parseMonth(text: string): BillingMonth {
  const match = MONTH_ID.exec(text);
  const year = Number(match?.[1]),
    month = Number(match?.[2]);
  if (!match || month < 1 || month > 12) throw new Error(`"${text}" is not a billing month YYYY-MM`);
  return billingMonth(year, month);
}
