import { EventRecord } from '@smartme/ports';
import { DEFAULT_MAX_CLOCK_SKEW_MS } from '../billing-settings';

// One default for the whole service: the settings own it, intake re-exports it for
// entry points that only know intake.
export { DEFAULT_MAX_CLOCK_SKEW_MS };

/**
 * What validation depends on besides the event: the clock reading at receipt (an event
 * time too far ahead of it is a producer clock fault, and would otherwise be billed in
 * a month not yet begun) and how far ahead is tolerated.
 */
export interface IntakeContext {
  readonly nowMs: number;
  readonly maxClockSkewMs: number;
}

export function intakeContext(nowMs: number, maxClockSkewMs: number = DEFAULT_MAX_CLOCK_SKEW_MS): IntakeContext {
  return { nowMs, maxClockSkewMs };
}

/**
 * The verdict on one input. An accepted record holds only the known fields; a rejected
 * one carries a reason naming each bad field (problems joined with `; `) and the event
 * id when it could be read, for the dead-letter store.
 */
export type Intake =
  | { readonly ok: true; readonly record: EventRecord }
  | { readonly ok: false; readonly reason: string; readonly eventId: string | null };
