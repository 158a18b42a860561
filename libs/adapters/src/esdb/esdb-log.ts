import {
  AllStreamRecordedEvent,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  Position,
  ReadPosition,
  ReadRevision,
  RecordedEvent as EsdbRecordedEvent,
  StreamNotFoundError,
} from '@eventstore/db-client';
import { readStartFor } from './esdb-position';

export const DEFAULT_PAGE_SIZE = 1000;

/**
 * Paged reads of `$all` and of streams. `$all` is read without a server-side filter (the
 * 6.x client's readAll has none): pages hold every stream's events, the callers keep
 * theirs. A server-side filtered subscription (`streamNameFilter`) would skip foreign and
 * system events on the server; it is not used because deciding that a subscription has
 * "caught up" needs server 23.10+, and pages of plain reads work on every version.
 */
export class EsdbLog {
  constructor(
    readonly client: EventStoreDBClient,
    readonly pageSize: number = DEFAULT_PAGE_SIZE,
  ) {
    if (!Number.isSafeInteger(pageSize) || pageSize < 2)
      throw new RangeError(`pageSize must be an integer ≥ 2, got ${pageSize}`);
  }

  /**
   * `$all` after a store position (exclusive), oldest first, in pages (never empty), every
   * stream. Reads start at (after, after), which includes the event there; when `after` is
   * not where an event starts (any bigint is a valid `after` for the port, and ESDB refuses
   * or misreads a read that starts inside a record), the read starts instead at the last
   * event at or below `after`, found by reading backwards from the end.
   */
  async *forward(after: bigint): AsyncGenerator<AllStreamRecordedEvent[], void, undefined> {
    let from: ReadPosition = readStartFor(after);
    let cursor: Position = { commit: after, prepare: after };
    let verifyStart = after !== 0n;
    for (;;) {
      let page: AllStreamRecordedEvent[] | null;
      try {
        page = await this.readAllPage(from, FORWARDS);
      } catch (error) {
        if (!verifyStart) throw error;
        page = null;
      }
      if (verifyStart) {
        verifyStart = false;
        if (page === null || (page.length > 0 && !samePosition(page[0]!.position, from))) {
          from = (await this.lastAtOrBelow(after)) ?? 'start';
          continue;
        }
      }
      const fresh = page!.filter((event) => comparePositions(event.position, cursor) > 0);
      if (fresh.length > 0) yield fresh;
      if (page!.length < this.pageSize) return;
      // The next page starts at this one's last event (inclusive, dropped by the filter); the
      // filter's bound only ever rises (a fallback start may lie below `after`).
      const last = page![page!.length - 1]!.position;
      if (comparePositions(last, cursor) > 0) cursor = last;
      from = last;
    }
  }

  /**
   * Reads `$all` backwards from the end, newest first, handing each event to `visit` until
   * it returns true or an event at or below `stopAtOrBelow` comes. Returns the position of
   * the newest event of the log (null when the log is empty).
   */
  async scanBackwards(
    stopAtOrBelow: bigint,
    visit: (event: AllStreamRecordedEvent) => boolean,
  ): Promise<Position | null> {
    let from: ReadPosition = END;
    let newest: Position | null = null;
    for (;;) {
      const page = await this.readAllPage(from, BACKWARDS);
      for (const event of page) {
        newest ??= event.position;
        if (event.position.commit <= stopAtOrBelow || visit(event)) return newest;
      }
      if (page.length < this.pageSize) return newest;
      from = page[page.length - 1]!.position;
    }
  }

  /** The position of the newest event at or below `position` (any stream), or null. */
  async lastAtOrBelow(position: bigint): Promise<Position | null> {
    let found: Position | null = null;
    await this.scanBackwards(-1n, (event) => {
      if (event.position.commit > position) return false;
      found = event.position;
      return true;
    });
    return found;
  }

  async readAllPage(
    fromPosition: ReadPosition,
    direction: typeof FORWARDS | typeof BACKWARDS,
  ): Promise<AllStreamRecordedEvent[]> {
    const events: AllStreamRecordedEvent[] = [];
    for await (const resolved of this.client.readAll({
      fromPosition,
      direction,
      maxCount: this.pageSize,
      resolveLinkTos: false,
    })) {
      if (resolved.event) events.push(resolved.event);
    }
    return events;
  }

  /** Events of a stream (at most `maxCount`), or null when the stream does not exist. */
  async readStream(
    stream: string,
    options: { fromRevision: ReadRevision; maxCount: number; direction?: typeof FORWARDS | typeof BACKWARDS },
  ): Promise<EsdbRecordedEvent[] | null> {
    const events: EsdbRecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, {
        ...options,
        direction: options.direction ?? FORWARDS,
        resolveLinkTos: false,
      })) {
        if (resolved.event) events.push(resolved.event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
    return events;
  }

  /** The last revision of a stream, or null when it does not exist (or is empty). */
  async lastRevision(stream: string): Promise<bigint | null> {
    const events = await this.readStream(stream, { fromRevision: END, maxCount: 1, direction: BACKWARDS });
    return events?.[0]?.revision ?? null;
  }
}

/** `$all` order: by commit position, then prepare position. */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  return a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;
}

function samePosition(position: Position, from: ReadPosition): boolean {
  return typeof from === 'object' && position.commit === from.commit && position.prepare === from.prepare;
}
