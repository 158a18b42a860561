import { instantKey, parseInstant } from '../time/instant';
import { BillingEvent } from './billing-event';

/**
 * The order the rules apply events in (§2.1, §3 Decisions): event time, ties by event id,
 * as one sortable string, so arrival order never matters.
 */
export function eventOrderKey(event: Pick<BillingEvent<string, unknown>, 'id' | 'time'>): string {
  return `${instantKey(parseInstant(event.time))}|${event.id}`;
}

/** The events in event order, each id once. */
export function inEventOrder<E extends Pick<BillingEvent<string, unknown>, 'id' | 'time'>>(events: Iterable<E>): E[] {
  const unique = new Map<string, E>();
  for (const event of events) if (!unique.has(event.id)) unique.set(event.id, event);
  return [...unique.values()]
    .map((event) => ({ event, key: eventOrderKey(event) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ event }) => event);
}
