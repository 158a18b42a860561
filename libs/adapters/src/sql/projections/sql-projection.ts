import { StoredEvent } from '@smartme/domain';
import { SqlExecutor } from '../sql-client';

/** A stored event with its position, as a projection receives it. */
export interface ProjectedEvent<E extends StoredEvent = StoredEvent> {
  readonly event: E;
  readonly position: bigint;
}

/**
 * One read model kept from the event stream, in the style of Emmett's projections: it
 * declares the event types it handles (`canHandle`, decided by an exhaustive switch over
 * every stored event type, so a new type does not compile until each read model has said
 * whether it reads it) and applies a batch of those in the projector's transaction.
 */
export interface SqlProjection<E extends StoredEvent> {
  /** For diagnostics. */
  readonly name: string;
  canHandle(event: StoredEvent): event is E;
  /** Applies events (in store order), in the transaction that also moves the checkpoint. */
  apply(tx: SqlExecutor, events: readonly ProjectedEvent<E>[]): Promise<void>;
}

/** Rows written per statement. */
export const WRITE_BATCH = 5000;

export function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += WRITE_BATCH) result.push(items.slice(i, i + WRITE_BATCH));
  return result;
}

/**
 * The rows of a page of organisations (`$1`, consecutive ids): bounded by the page's
 * first and last id, so the planner reads the (org_id, …) index over that range; with
 * `= ANY` alone it misjudged the share and scanned the whole table for every page (at
 * 10M events, 20 pages × 1.5M rows of usage_days).
 */
export const PAGE_OF_ORGANISATIONS = `
  org_id BETWEEN (SELECT min(wanted) FROM unnest($1::text[]) AS wanted) AND (SELECT max(wanted) FROM unnest($1::text[]) AS wanted)
  AND org_id = ANY($1::text[])`;
