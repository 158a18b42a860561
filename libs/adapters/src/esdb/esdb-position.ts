import type { Position, ReadPosition } from '@eventstore/db-client';

/**
 * Store positions on EventStoreDB/KurrentDB.
 *
 * `$all` orders events by a (commit, prepare) pair of transaction-log offsets. The port has
 * one bigint. Every event this adapter writes is appended over gRPC, which writes each
 * event as one self-committing prepare record ("implicit transaction", no commit record):
 * `$all` reports such an event at (p, p), p being the offset of its own record, whether it
 * came alone or in a batch. So the commit position alone is the event's position: unique,
 * strictly increasing along `$all`, and it fits a signed 64-bit column (log offsets are
 * .NET longs), which the projections' checkpoint is. Only events of legacy TCP explicit
 * transactions share a commit position (commit ≠ prepare); this adapter never writes
 * those and refuses to read them as its own rather than hand out ambiguous positions.
 *
 * Reading from position p: `$all` reads forwards are inclusive of a record starting at p,
 * so readers ask for (p, p) and drop what is ≤ p. A position that is not the start of a
 * record (the port allows any bigint, e.g. p − 1) is not a valid place to start a read;
 * the reader then finds the last event at or below it first (see EsdbLog.forward).
 */

/** The port's position of an event read from `$all` (or from a stream, on 22.6 and later). */
export function storePositionOf(position: Position | undefined, what: string): bigint {
  if (position === undefined) {
    throw new Error(`${what} came without its $all position: EventStoreDB/KurrentDB 22.6 or later is required`);
  }
  if (position.commit !== position.prepare) {
    throw new Error(
      `${what} was written in an explicit transaction (commit ${position.commit} ≠ prepare ${position.prepare}): not an event this adapter wrote`,
    );
  }
  if (position.commit <= 0n) throw new Error(`${what} has position ${position.commit}: events never sit at 0`);
  return position.commit;
}

/** Where a forward read for "after `after`" starts: the log start for 0, else the record at `after` itself (inclusive). */
export function readStartFor(after: bigint): ReadPosition {
  assertPosition(after, 'after');
  return after === 0n ? 'start' : { commit: after, prepare: after };
}

/** The `$all` position of an event at a store position (every event of ours is at (p, p)). */
export function allPositionOf(position: bigint): Position {
  assertPosition(position, 'position');
  return { commit: position, prepare: position };
}

export function assertPosition(value: bigint, name: string): void {
  if (typeof value !== 'bigint' || value < 0n)
    throw new RangeError(`${name} must be a bigint ≥ 0, got ${String(value)}`);
}

/** Positions travel in JSON (guard and checkpoint events) as decimal strings: JSON numbers lose bits past 2^53. */
export function positionToText(position: bigint): string {
  assertPosition(position, 'position');
  return position.toString();
}

export function positionFromText(text: unknown, what: string): bigint {
  if (typeof text !== 'string' || !/^(0|[1-9]\d{0,18})$/.test(text))
    throw new Error(`${what}: not a position: ${JSON.stringify(text)}`);
  const value = BigInt(text);
  if (value > 9_223_372_036_854_775_807n) throw new Error(`${what}: position ${text} exceeds a signed 64-bit integer`);
  return value;
}
