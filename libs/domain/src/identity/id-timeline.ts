import { IdLifecycleEvent } from '../events/identity-events';
import { parseInstant } from '../time/instant';

/** One lifecycle event of an ID, reduced to what ordering and counting need. */
export interface LifecycleEntry {
  /** Sortable UTC instant (see Instant.key). */
  readonly at: string;
  readonly epochMs: number;
  readonly eventId: string;
  readonly registers: boolean;
}

/**
 * An ID's lifecycle events in the order §2.1 applies them: by event time, ties by event
 * id. Kept sorted on insertion so that arrival order never matters; an event id already
 * present is ignored, so redelivery is harmless.
 */
export type IdTimeline = readonly LifecycleEntry[];

export function lifecycleEntryOf(event: IdLifecycleEvent): LifecycleEntry {
  const instant = parseInstant(event.time);
  return { at: instant.key, epochMs: instant.epochMs, eventId: event.id, registers: event.type === 'IdRegistered' };
}

export function insertIntoTimeline(timeline: IdTimeline, entry: LifecycleEntry): IdTimeline {
  let index = timeline.length;
  while (index > 0 && compareEntries(timeline[index - 1]!, entry) > 0) index--;
  if (timeline.some((existing) => existing.eventId === entry.eventId)) return timeline;
  return [...timeline.slice(0, index), entry, ...timeline.slice(index)];
}

function compareEntries(a: LifecycleEntry, b: LifecycleEntry): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}
