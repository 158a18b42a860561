/**
 * An event time: an RFC 3339 instant with an explicit offset.
 *
 * `key` is the instant in UTC with nine fractional digits, so that string order is
 * time order even below the millisecond (JavaScript dates stop at milliseconds, and
 * §2.1 orders one ID's events by time before it falls back to the event id).
 */
export interface Instant {
  readonly key: string;
  readonly epochMs: number;
}

export class InvalidInstantError extends Error {}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const MS_PER_MINUTE = 60_000;
/** Date.UTC reads years 0–99 as 1900–1999; billing has no business before the epoch anyway. */
export const MIN_YEAR = 1970;

export function parseInstant(text: string): Instant {
  const match = RFC3339.exec(text);
  if (!match) {
    throw new InvalidInstantError(
      /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(text)
        ? 'must have an explicit offset (Z or ±hh:mm)'
        : 'must be an RFC 3339 date-time with offset, e.g. 2025-10-12T09:30:00+09:00',
    );
  }
  const [, y, mo, d, h, mi, s, frac = '', zulu, sign, oh, om] = match;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  if (year < MIN_YEAR) throw new InvalidInstantError(`year ${y} is before ${MIN_YEAR}`);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new InvalidInstantError(`${y}-${mo}-${d} is not a calendar date`);
  }
  if (hour > 23 || minute > 59 || second > 59) {
    throw new InvalidInstantError(`${h}:${mi}:${s} is not a time of day`);
  }
  const offsetMinutes = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  if (!zulu && (Number(oh) > 23 || Number(om) > 59)) {
    throw new InvalidInstantError(`offset ${sign}${oh}:${om} is out of range`);
  }
  const fraction = frac.padEnd(9, '0');
  const epochMs =
    Date.UTC(year, month - 1, day, hour, minute, second) -
    offsetMinutes * MS_PER_MINUTE +
    Number(fraction.slice(0, 3));
  return { epochMs, key: `${isoSeconds(epochMs)}.${fraction}Z` };
}

export function instantFromEpochMs(epochMs: number): Instant {
  const ms = String(((epochMs % 1000) + 1000) % 1000).padStart(3, '0');
  return { epochMs, key: `${isoSeconds(epochMs)}.${ms}000000Z` };
}

export function compareInstants(a: Instant, b: Instant): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isoSeconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19);
}
