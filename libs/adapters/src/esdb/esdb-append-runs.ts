import { ANY, AppendExpectedRevision, AppendResult, EventData, WrongExpectedVersionError } from '@eventstore/db-client';
import { runsBySize } from '../batching/runs-by-size';
import { eventDataOf, PreparedEvent } from './esdb-event-mapping';
import { EsdbLog } from './esdb-log';
import { storePositionOf } from './esdb-position';

/** Largest append per call: ESDB refuses appends over 1 MiB by default (MaxAppendSize). */
const MAX_EVENTS_PER_APPEND = 500;
const MAX_BYTES_PER_APPEND = 512 * 1024;

/** An append could not be finished now (another writer holds the id, or it ran out of time): retry it. */
export class EsdbAppendInterruptedError extends Error {
  override name = 'EsdbAppendInterruptedError';
}

/**
 * Appends to organisation streams with expectedRevision ANY, and finds out where the events
 * landed: an append reports only its last position, so each run is read back.
 */
export class EsdbAppender {
  constructor(
    private readonly log: EsdbLog,
    /** How long one append may take before the server gives it up (a quarter of the claim lease). */
    private readonly deadlineMs: number,
  ) {}

  /**
   * Appends claimed events in batch order: a run of consecutive events of one organisation is
   * one append (split at ESDB's append size limit), then read back for its positions. No run
   * starts after `startBy` (epoch ms): a claim older than that may already be taken over.
   */
  async appendInRuns(
    events: readonly PreparedEvent[],
    startBy: number,
    now: () => number,
  ): Promise<Map<string, bigint>> {
    const positions = new Map<string, bigint>();
    for (const run of runsOf(events)) {
      if (now() > startBy) {
        throw new EsdbAppendInterruptedError(
          `appending ${run.length} events to ${run[0]!.stream} would start too late after their claims; retry the batch`,
        );
      }
      for (const [id, position] of await this.appendRun(run[0]!.stream, run)) positions.set(id, position);
    }
    return positions;
  }

  /** Appends events of one stream as they are; returns their positions by ESDB event id. */
  async appendRun(
    stream: string,
    run: readonly Pick<PreparedEvent, 'esdbEventId' | 'type' | 'data' | 'metadata'>[],
  ): Promise<Map<string, bigint>> {
    const result = await this.log.client.appendToStream(stream, run.map(eventDataOf), {
      expectedRevision: ANY,
      deadline: this.deadlineMs,
    });
    if (!result.success) throw new Error(`append to ${stream} failed`);
    return this.readBack(
      stream,
      result.nextExpectedRevision - BigInt(run.length - 1),
      run.map((event) => event.esdbEventId),
    );
  }

  /** Appends with an expected revision: false when the stream is not at that revision. */
  async appendExpecting(
    stream: string,
    events: EventData[],
    expectedRevision: AppendExpectedRevision,
  ): Promise<boolean> {
    let result: AppendResult;
    try {
      result = await this.log.client.appendToStream(stream, events, { expectedRevision });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return false;
      throw error;
    }
    // With throwOnAppendFailure=false in the connection string, a wrong revision comes back as success: false.
    return result.success;
  }

  /** The positions of events just appended at `fromRevision`…, checking they are the ones expected. */
  private async readBack(stream: string, fromRevision: bigint, ids: readonly string[]): Promise<Map<string, bigint>> {
    const events = (await this.log.readStream(stream, { fromRevision, maxCount: ids.length })) ?? [];
    if (events.length !== ids.length || events.some((event, i) => event.id !== ids[i])) {
      throw new Error(`${stream}: the events at revision ${fromRevision}… are not the ones just appended`);
    }
    return new Map(
      events.map((event) => [event.id, storePositionOf(event.position, `event ${event.revision}@${stream}`)]),
    );
  }
}

/** Consecutive events of one stream, split at the append size limit. */
export function runsOf<T extends { readonly stream: string; readonly data: unknown; readonly metadata: unknown }>(
  events: readonly T[],
): T[][] {
  return runsBySize(events, {
    maxBytes: MAX_BYTES_PER_APPEND,
    sizeOf: (event) =>
      Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata)) + 200,
    startsRun: (run, event) => run[0]!.stream !== event.stream || run.length >= MAX_EVENTS_PER_APPEND,
  });
}
