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
  return { epochMs, subMsNanos: Number(fraction.slice(3)) };
}

/** The instant in UTC with nine fractional digits: string order is time order. */
export function instantKey(instant: Instant): string {
  const ms = ((instant.epochMs % 1000) + 1000) % 1000;
  return `${isoSeconds(instant.epochMs)}.${String(ms).padStart(3, '0')}${String(instant.subMsNanos).padStart(6, '0')}Z`;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * `YYYY-MM-DDTHH:MM:SS` of an instant in UTC, by arithmetic (the civil-from-days
 * algorithm): this runs for every event of a replay, where Date#toISOString was a
 * measurable share of the time.
 */
function isoSeconds(epochMs: number): string {
  const seconds = Math.floor(epochMs / 1000);
  const days = Math.floor(seconds / 86400);
  const secondOfDay = seconds - days * 86400;
  const shifted = days + 719468;
  const era = Math.floor(shifted / 146097);
  const dayOfEra = shifted - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${two(month)}-${two(day)}T${two(Math.floor(secondOfDay / 3600))}:${two(Math.floor(secondOfDay / 60) % 60)}:${two(secondOfDay % 60)}`;
}

function two(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}
