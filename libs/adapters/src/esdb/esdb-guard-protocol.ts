import { NO_STREAM, START } from '@eventstore/db-client';
import { EsdbAppendInterruptedError, EsdbAppender } from './esdb-append-runs';
import { PreparedEvent } from './esdb-event-mapping';
import { claimedEvent, claimEventOf, GuardState, guardStateOf, reclaimEventOf, storedEventOf } from './esdb-guard';
import { EsdbLog } from './esdb-log';
import { EsdbStreamNames } from './esdb-names';
import { storePositionOf } from './esdb-position';
import { sleep } from './concurrency';

/** What stands for an event id after an append: where, with which content, and whether this call stored it. */
export interface Standing {
  readonly position: bigint;
  readonly contentHash: string;
  readonly appendedBy: PreparedEvent | null;
}

export interface GuardTiming {
  /** How long a claim belongs to its writer (see EsdbEventStoreOptions.claimLeaseMs). */
  readonly claimLeaseMs: number;
  /** How long to wait for another writer's fresh claim on the same id to finish. */
  readonly claimWaitMs: number;
  readonly now: () => number;
}

/**
 * The guard protocol (esdb-guard.ts has the guard's events): read an id's guard, claim it
 * (one winner, by NO_STREAM), mark it stored at its position, and settle a claim whose
 * writer may have died between claiming and marking.
 */
export class EsdbGuardProtocol {
  constructor(
    private readonly log: EsdbLog,
    private readonly names: EsdbStreamNames,
    private readonly appender: EsdbAppender,
    private readonly timing: GuardTiming,
  ) {}

  async read(esdbEventId: string): Promise<GuardState | null> {
    const stream = this.names.guard(esdbEventId);
    const events = await this.log.readStream(stream, { fromRevision: START, maxCount: 64 });
    return guardStateOf(events ?? [], stream);
  }

  /** Claims an id; null when claimed, else the guard of whoever claimed it first. */
  async claim(event: PreparedEvent, searchFrom: bigint | null): Promise<GuardState | null> {
    const written = await this.appender.appendExpecting(
      this.names.guard(event.esdbEventId),
      [claimEventOf(event, searchFrom)],
      NO_STREAM,
    );
    if (written) return null;
    const winner = await this.read(event.esdbEventId);
    if (!winner) throw new Error(`the guard of ${event.cloudEventId} exists and cannot be read`);
    return winner;
  }

  /** Marks a guard stored; if someone else finished it first, theirs stands. */
  async markStored(
    esdbEventId: string,
    expectedRevision: bigint,
    position: bigint,
    contentHash: string,
  ): Promise<bigint> {
    const written = await this.appender.appendExpecting(
      this.names.guard(esdbEventId),
      [storedEventOf(position, contentHash)],
      expectedRevision,
    );
    if (written) return position;
    const guard = await this.read(esdbEventId);
    if (guard?.kind !== 'stored')
      throw new Error(`the guard of event ${esdbEventId} changed under its writer and is not stored`);
    return guard.position;
  }

  /**
   * Settles an id whose guard was claimed but not marked stored: waits while the claim is
   * fresh (its writer may be appending), then takes it over and finishes it.
   */
  async settle(event: PreparedEvent, initial: GuardState): Promise<Standing> {
    const { claimLeaseMs, claimWaitMs, now } = this.timing;
    const started = now();
    let guard: GuardState | null = initial;
    for (;;) {
      if (!guard) throw new Error(`the guard of ${event.cloudEventId} disappeared`);
      if (guard.kind === 'stored')
        return { position: guard.position, contentHash: guard.contentHash, appendedBy: null };
      const age = now() - guard.since.getTime();
      if (age < claimLeaseMs) {
        if (now() - started >= claimWaitMs) {
          throw new EsdbAppendInterruptedError(
            `event ${event.cloudEventId} is being appended by another writer (claimed ${age} ms ago); retry`,
          );
        }
        await sleep(Math.min(200, claimLeaseMs - age));
        guard = await this.read(event.esdbEventId);
        continue;
      }
      const takenOver = await this.appender.appendExpecting(
        this.names.guard(event.esdbEventId),
        [reclaimEventOf()],
        guard.lastRevision,
      );
      if (!takenOver) {
        guard = await this.read(event.esdbEventId);
        continue;
      }
      return this.finishTakenOver(event, guard);
    }
  }

  /** A claim now ours: find its event where the claim said it would go, append it from the claim if absent, mark it stored. */
  private async finishTakenOver(event: PreparedEvent, guard: GuardState & { kind: 'in-doubt' }): Promise<Standing> {
    const { claim } = guard;
    const found = await this.findInStream(claim.stream, claim.searchFrom, event.esdbEventId);
    let position = found;
    if (position === null) {
      const appended = await this.appender.appendRun(claim.stream, [
        { esdbEventId: event.esdbEventId, ...claimedEvent(claim) },
      ]);
      position = appended.get(event.esdbEventId)!;
    }
    position = await this.markStored(event.esdbEventId, guard.lastRevision + 1n, position, claim.contentHash);
    const appendedNow = found === null && event.contentHash === claim.contentHash;
    return { position, contentHash: claim.contentHash, appendedBy: appendedNow ? event : null };
  }

  /** The position of an event in a stream after a revision, or null. */
  private async findInStream(stream: string, after: bigint | null, esdbEventId: string): Promise<bigint | null> {
    let from = after === null ? 0n : after + 1n;
    for (;;) {
      const events = await this.log.readStream(stream, { fromRevision: from, maxCount: this.log.pageSize });
      if (!events) return null;
      const match = events.find((event) => event.id === esdbEventId);
      if (match) return storePositionOf(match.position, `event ${match.revision}@${stream}`);
      if (events.length < this.log.pageSize) return null;
      from = events[events.length - 1]!.revision + 1n;
    }
  }
}
