import { civilFromDays, daysInMonth } from './civil-calendar';

/**
 * An event time: an RFC 3339 instant with an explicit offset, to the nanosecond
 * (JavaScript dates stop at milliseconds, and §2.1 orders one ID's events by time
 * before it falls back to the event id).
 */
export interface Instant {
  readonly epochMs: number;
  /** Nanoseconds below the millisecond (0–999999), for ordering finer than epochMs. */
  readonly subMsNanos: number;
}

export class InvalidInstantError extends Error {}

const MS_PER_MINUTE = 60_000;
/** Date.UTC reads years 0–99 as 1900–1999; billing has no business before the epoch anyway. */
export const MIN_YEAR = 1970;

/** The fields of `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)`, as read. */
interface Rfc3339Fields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** The fraction of the second in nanoseconds. */
  readonly nanos: number;
  /** Null for Z. */
  readonly offset: { readonly sign: 1 | -1; readonly hours: number; readonly minutes: number } | null;
}

export function parseInstant(text: string): Instant {
  const fields = scanRfc3339(text);
  if (!fields) {
    throw new InvalidInstantError(
      /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(text)
        ? 'must have an explicit offset (Z or ±hh:mm)'
        : 'must be an RFC 3339 date-time with offset, e.g. 2025-10-12T09:30:00+09:00',
    );
  }
  const { year, month, day, hour, minute, second, nanos, offset } = fields;
  if (year < MIN_YEAR) throw new InvalidInstantError(`year ${text.slice(0, 4)} is before ${MIN_YEAR}`);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new InvalidInstantError(`${text.slice(0, 10)} is not a calendar date`);
  }
  if (hour > 23 || minute > 59 || second > 59) {
    throw new InvalidInstantError(`${text.slice(11, 19)} is not a time of day`);
  }
  if (offset && (offset.hours > 23 || offset.minutes > 59)) {
    throw new InvalidInstantError(`offset ${text.slice(-6)} is out of range`);
  }
  const offsetMinutes = offset ? offset.sign * (offset.hours * 60 + offset.minutes) : 0;
  const subSecondMs = Math.floor(nanos / 1_000_000);
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * MS_PER_MINUTE + subSecondMs;
  return { epochMs, subMsNanos: nanos - subSecondMs * 1_000_000 };
}

/**
 * Reads the layout character by character (no regular expression: every event of a
 * replay has a time, and the match array per event was a measurable share of it); null
 * when the text does not have the layout. Ranges are checked by the caller.
 */
function scanRfc3339(text: string): Rfc3339Fields | null {
  const year = digits(text, 0, 4),
    month = digits(text, 5, 2),
    day = digits(text, 8, 2);
  const hour = digits(text, 11, 2),
    minute = digits(text, 14, 2),
    second = digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return null;
  if (
    text[4] !== '-' ||
    text[7] !== '-' ||
    (text[10] !== 'T' && text[10] !== 't') ||
    text[13] !== ':' ||
    text[16] !== ':'
  )
    return null;
  let at = 19;
  let nanos = 0;
  if (text[at] === '.') {
    let count = 0;
    while (count < 9 && isDigit(text.charCodeAt(at + 1 + count))) count++;
    if (count === 0) return null;
    nanos = digits(text, at + 1, count) * 10 ** (9 - count);
    at += 1 + count;
  }
  const zone = text[at];
  if ((zone === 'Z' || zone === 'z') && text.length === at + 1)
    return { year, month, day, hour, minute, second, nanos, offset: null };
  if ((zone !== '+' && zone !== '-') || text.length !== at + 6 || text[at + 3] !== ':') return null;
  const hours = digits(text, at + 1, 2),
    minutes = digits(text, at + 4, 2);
  if (hours < 0 || minutes < 0) return null;
  return { year, month, day, hour, minute, second, nanos, offset: { sign: zone === '-' ? -1 : 1, hours, minutes } };
}

/** The decimal number in `count` characters from `from`, or -1 if any is not a digit. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - 48);
  }
  return value;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The instant in UTC with nine fractional digits: string order is time order. */
export function instantKey(instant: Instant): string {
  const ms = ((instant.epochMs % 1000) + 1000) % 1000;
  return `${isoSeconds(instant.epochMs)}.${String(ms).padStart(3, '0')}${String(instant.subMsNanos).padStart(6, '0')}Z`;
}

/** `YYYY-MM-DDTHH:MM:SS` of an instant in UTC, by arithmetic (see civil-calendar.ts). */
function isoSeconds(epochMs: number): string {
  const seconds = Math.floor(epochMs / 1000);
  const days = Math.floor(seconds / 86400);
  const secondOfDay = seconds - days * 86400;
  const { year, month, day } = civilFromDays(days);
  return `${year}-${two(month)}-${two(day)}T${two(Math.floor(secondOfDay / 3600))}:${two(Math.floor(secondOfDay / 60) % 60)}:${two(secondOfDay % 60)}`;
}

function two(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}
