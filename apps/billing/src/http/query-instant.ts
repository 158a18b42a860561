/** `date-timeT…hh:mm:ss[.fraction]`, then a space and `hh:mm` at the end: an offset whose `+` was decoded. */
const DECODED_PLUS_OFFSET = /^(\S+[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?) (\d{2}:\d{2})$/;

/**
 * An RFC 3339 instant as read from a URL query. There `+` means a space, so
 * `?asOf=2025-11-01T01:00:00+09:00`, typed as the instant is written, arrives as
 * `2025-11-01T01:00:00 09:00`. A space where the offset's sign belongs can only have been a
 * `+` (a `-` arrives as it is, and an instant has no space of its own), so it is read as one.
 * Anything else is left as it came, for the parser to judge.
 */
export function instantFromQuery(text: string): string {
  return text.replace(DECODED_PLUS_OFFSET, '$1+$2');
}
