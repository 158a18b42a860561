import { IdLifecycleEvent } from '../events/identity-events';
import { parseInstant } from '../time/instant';

/** One lifecycle event of an ID, reduced to what ordering and counting need. */
export interface LifecycleEntry {
  readonly epochMs: number;
  /** Below the millisecond: events may carry nanoseconds, and order by them (§2.1). */
  readonly subMsNanos: number;
  readonly eventId: string;
  readonly registers: boolean;
}

/**
 * An ID's lifecycle events in the order §2.1 applies them: by event time, ties by event
 * id. Kept sorted on insertion so that arrival order never matters.
 */
export type IdTimeline = readonly LifecycleEntry[];

export function lifecycleEntryOf(event: IdLifecycleEvent): LifecycleEntry {
  const instant = parseInstant(event.time);
  return {
    epochMs: instant.epochMs,
    subMsNanos: instant.subMsNanos,
    eventId: event.id,
    registers: event.type === 'IdRegistered',
  };
}

/**
 * Places an entry in its timeline, in place (the owner of the timeline is the only one
 * holding it). An event id already present is ignored, so redelivery is harmless.
 * Returns whether the timeline changed.
 */
export function insertIntoTimeline(timeline: LifecycleEntry[], entry: LifecycleEntry): boolean {
  if (timeline.some((existing) => existing.eventId === entry.eventId)) return false;
  let index = timeline.length;
  while (index > 0 && compareEntries(timeline[index - 1]!, entry) > 0) index--;
  timeline.splice(index, 0, entry);
  return true;
}

function compareEntries(a: LifecycleEntry, b: LifecycleEntry): number {
  if (a.epochMs !== b.epochMs) return a.epochMs - b.epochMs;
  if (a.subMsNanos !== b.subMsNanos) return a.subMsNanos - b.subMsNanos;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}
