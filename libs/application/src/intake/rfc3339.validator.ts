import { Instant, InvalidInstantError, parseInstant } from '@smartme/domain';
import { ValidationOptions } from 'class-validator';
import { NOT_A_STRING, checkedBy } from './field-problem';

type Parsed = { readonly instant: Instant } | { readonly problem: string };

// Intake parses each event time twice (the format rule, then the clock-skew test) and
// parsing is a third of the cost of a valid event: the last answer is kept.
let last: { readonly text: string; readonly parsed: Parsed } | undefined;

function parse(text: string): Parsed {
  if (last?.text === text) return last.parsed;
  let parsed: Parsed;
  try {
    parsed = { instant: parseInstant(text) };
  } catch (error) {
    if (!(error instanceof InvalidInstantError)) throw error;
    parsed = { problem: error.message };
  }
  last = { text, parsed };
  return parsed;
}

/**
 * The domain's parser is the definition of an event time (explicit offset, real
 * calendar date, sub-millisecond order): intake passes its verdict through unchanged so
 * that nothing accepted here can fail later when the event is folded.
 */
export function rfc3339Problem(value: unknown): string | null {
  if (typeof value !== 'string') return NOT_A_STRING;
  const parsed = parse(value);
  return 'problem' in parsed ? parsed.problem : null;
}

/** The instant of a time `rfc3339Problem` accepted. */
export function eventInstant(time: string): Instant {
  const parsed = parse(time);
  if ('problem' in parsed) throw new InvalidInstantError(parsed.problem);
  return parsed.instant;
}

/** An RFC 3339 date-time with an explicit offset (`Z` or `±hh:mm`). */
export function IsRfc3339WithOffset(options?: ValidationOptions): PropertyDecorator {
  return checkedBy('isRfc3339WithOffset', rfc3339Problem, options);
}
