import { ValidationOptions } from 'class-validator';
import { NOT_A_STRING, checkedBy } from './field-problem';

export const MAX_IDENTIFIER_LENGTH = 128;

export const IDENTIFIER_PROBLEM = `must be 1–${MAX_IDENTIFIER_LENGTH} printable characters (no control characters)`;

/**
 * Not printable: control characters (C0, DEL, C1), invisible format characters (zero
 * width, bidi overrides: two ids an operator cannot tell apart, or listings that
 * render reordered), lone surrogates (not text: PostgreSQL refuses them, which would
 * stop the pipeline at append time instead of dead-lettering here) and the Unicode line
 * and paragraph separators (they break NDJSON readers and log lines).
 */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/** Length in characters (code points), so 128 kanji or emoji fit as well as 128 ASCII letters. */
function characterCount(text: string): number {
  let count = 0;
  for (const _character of text) count += 1;
  return count;
}

export function identifierProblem(value: unknown): string | null {
  if (typeof value !== 'string') return NOT_A_STRING;
  // UTF-16 length bounds the code point count from both sides: skip counting when decided.
  const tooLong =
    value.length > MAX_IDENTIFIER_LENGTH &&
    (value.length > 2 * MAX_IDENTIFIER_LENGTH || characterCount(value) > MAX_IDENTIFIER_LENGTH);
  if (value.length === 0 || tooLong || NOT_PRINTABLE.test(value)) return IDENTIFIER_PROBLEM;
  return null;
}

export function isIdentifier(value: unknown): value is string {
  return identifierProblem(value) === null;
}

/** An opaque identifier (`orgId`, `idId`, the event `id`, `source`…). */
export function IsIdentifier(options?: ValidationOptions): PropertyDecorator {
  return checkedBy('isIdentifier', identifierProblem, options);
}
