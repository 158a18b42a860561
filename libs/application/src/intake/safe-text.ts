/** Longest reason kept: enough for every field of an event to be named, short enough to log. */
export const MAX_REASON_LENGTH = 2000;

/**
 * Characters a reason must not carry raw: control characters (NUL above all, which
 * PostgreSQL refuses in text), invisible format characters and bidi overrides (they make a
 * listing lie about what it shows), lone surrogates (not text at all) and the line and
 * paragraph separators (they split NDJSON and log lines).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

function escape(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Text that came from input (a JSON parser's message quotes the input) made safe to store
 * and print: unsafe characters escaped as `\uXXXX`, and cut at `maxLength` characters with
 * `…`. Cutting happens first, so a surrogate pair split by the cut is escaped, not kept half.
 */
export function safeText(text: string, maxLength: number = MAX_REASON_LENGTH): string {
  const cut = text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
  return cut.replace(UNSAFE, escape);
}
