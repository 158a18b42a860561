import { RecordedEvent } from '@smartme/ports';

/**
 * One committed append of this process: the positions it claimed, from the sequence's value
 * when it took the append lock (exclusive) to its last event (inclusive), and its events.
 * Every position in the claim is one of these events or a value that a conflicting row
 * consumed and left empty: while the lock is held nobody else takes positions.
 */
export interface ClaimedAppend {
  readonly after: bigint;
  readonly events: readonly RecordedEvent[];
  /** The appending transaction, for the readers' visibility rule (xid8 as a bigint). */
  readonly tx: bigint;
}

/**
 * This process's latest appends, so that a reader following the head in the same process
 * (the projector, a batch behind the ingest) is handed what was just written instead of
 * reading it back: the events are the ones appended, parsed once. A reader is served only
 * a run of claims that joins up with where it stands, so nothing anyone else appended, and
 * no gap, can lie inside what it is handed; anything else it reads from the database.
 */
export class RecentAppends {
  private claims: ClaimedAppend[] = [];
  private held = 0;

  constructor(private readonly capacity = 20_000) {}

  add(claim: ClaimedAppend): void {
    if (claim.events.length === 0) return;
    this.claims.push(claim);
    this.held += claim.events.length;
    while (this.held > this.capacity && this.claims.length > 1) this.held -= this.claims.shift()!.events.length;
  }

  /**
   * The events after `position`, at most `limit`, when this process's claims cover every
   * position from there on without a break; null otherwise. `youngestTx` is the latest
   * transaction among them, which the reader must see as finished before using them.
   */
  following(position: bigint, limit: number): { events: RecordedEvent[]; youngestTx: bigint } | null {
    let index = this.claims.findIndex((claim) => claim.after <= position && position < lastPosition(claim));
    if (index < 0) return null;
    const events: RecordedEvent[] = [];
    let youngestTx = 0n;
    let reached = position;
    for (; index < this.claims.length && events.length < limit; index++) {
      const claim = this.claims[index]!;
      if (claim.after > reached) break; // a break in the claims: someone else's positions, or a rollback's
      for (const recorded of claim.events) {
        if (recorded.position <= reached) continue;
        if (events.length === limit) break;
        events.push(recorded);
      }
      if (claim.tx > youngestTx) youngestTx = claim.tx;
      reached = events.length > 0 ? events[events.length - 1]!.position : reached;
      if (reached < lastPosition(claim)) break;
    }
    return events.length > 0 ? { events, youngestTx } : null;
  }
}

function lastPosition(claim: ClaimedAppend): bigint {
  return claim.events[claim.events.length - 1]!.position;
}
