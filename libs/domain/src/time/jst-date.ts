import { daysInMonth } from './civil-calendar';
import { MIN_YEAR } from './instant';
import { JST_OFFSET_MS, MS_PER_DAY } from './jst';

/**
 * A calendar day in JST, as a day number (days since 1970-01-01 JST). Counters are
 * kept per day so that a period can end on any day: a contract closed on date D is
 * billed on the state at the end of D (§2.5), not at the end of its month.
 */
export type DayNumber = number;

/** `YYYY-MM-DD`, the spec's date format (`appliedOn`, `openedOn`, …). */
export type JstDate = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class InvalidDateError extends Error {}

export function dayOfInstant(epochMs: number): DayNumber {
  return Math.floor((epochMs + JST_OFFSET_MS) / MS_PER_DAY);
}

export function parseJstDate(text: string): DayNumber {
  const match = DATE.exec(text);
  if (!match) throw new InvalidDateError('must be a date YYYY-MM-DD');
  const year = Number(match[1]),
    month = Number(match[2]),
    day = Number(match[3]);
  if (year < MIN_YEAR) throw new InvalidDateError(`year ${match[1]} is before ${MIN_YEAR}`);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new InvalidDateError(`${text} is not a calendar date`);
  }
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export function formatJstDate(day: DayNumber): JstDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The first instant of the day, in epoch milliseconds. */
export function dayStartMs(day: DayNumber): number {
  return day * MS_PER_DAY - JST_OFFSET_MS;
}
