/**
 * An in-memory stand-in for the parts of EventStoreDBClient the adapter uses, with the
 * server's rules that the adapter relies on: a transaction log whose records start at
 * irregular offsets (so `position - 1` is not a record), one self-committing prepare per
 * event reported at (p, p), inclusive forward reads of `$all` that refuse to start inside a
 * record, exclusive backward reads, expected revisions (NO_STREAM, a revision, ANY), the
 * idempotent acceptance of a NO_STREAM write repeating the first event ids, system events
 * sprinkled in `$all`, JSON that travels as bytes, and StreamNotFoundError on reading a
 * missing stream. It is not a server: the contract suite against a real one is
 * test/contract/esdb-event-store.spec.ts.
 */
import {
  AppendExpectedRevision,
  AppendResult,
  EventData,
  EventStoreDBClient,
  Position,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';

interface LogRecord {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly contentType: string;
  readonly data: string;
  readonly metadata: string | undefined;
  readonly created: Date;
  readonly position: bigint;
}

type Direction = 'forwards' | 'backwards';

export class FakeEsdbClient {
  private readonly log: LogRecord[] = [];
  private readonly streams = new Map<string, LogRecord[]>();
  private nextPosition = 1_000n;
  private appends = 0;
  /** Calls made, by method, for tests that count round trips. */
  readonly calls = { appendToStream: 0, readStream: 0, readAll: 0 };
  /** Fails the next appends to streams matching this (after its checks pass), to simulate crashes. */
  failAppendsTo: ((stream: string, events: readonly EventData[]) => boolean) | null = null;

  constructor(private readonly now: () => number = Date.now) {
    this.write('$stats-127.0.0.1:2113', [
      {
        id: '00000000-0000-4000-8000-000000000001',
        type: '$statsCollected',
        contentType: 'application/json',
        data: {},
        metadata: undefined,
      } as EventData,
    ]);
  }

  /** This object where the adapter wants a client. */
  asClient(): EventStoreDBClient {
    return this as unknown as EventStoreDBClient;
  }

  async appendToStream(
    streamName: string,
    events: EventData | EventData[],
    options: { expectedRevision?: AppendExpectedRevision } = {},
  ): Promise<AppendResult> {
    this.calls.appendToStream++;
    await tick();
    const list = Array.isArray(events) ? events : [events];
    const expected = options.expectedRevision ?? 'any';
    const stream = this.streams.get(streamName) ?? [];
    const current = stream.length === 0 ? 'no_stream' : stream[stream.length - 1]!.revision;
    if (expected === 'no_stream' && stream.length > 0) {
      // ESDB's idempotency: the same first event ids again is the same write.
      if (list.every((event, i) => stream[i]?.id === event.id)) {
        return {
          success: true,
          nextExpectedRevision: stream[list.length - 1]!.revision,
          position: positionOf(stream[list.length - 1]!),
        };
      }
      throw new WrongExpectedVersionError(undefined, { streamName, expected, current });
    }
    if (typeof expected === 'bigint' && current !== expected)
      throw new WrongExpectedVersionError(undefined, { streamName, expected, current });
    if (expected === 'stream_exists' && stream.length === 0)
      throw new WrongExpectedVersionError(undefined, { streamName, expected, current });
    if (this.failAppendsTo?.(streamName, list)) throw new Error(`fake crash appending to ${streamName}`);
    const written = this.write(streamName, list);
    // Now and then the server writes its own events in between.
    if (++this.appends % 7 === 0)
      this.write('$stats-127.0.0.1:2113', [
        {
          id: randomishUuid(this.appends),
          type: '$statsCollected',
          contentType: 'application/json',
          data: { n: this.appends },
          metadata: undefined,
        } as EventData,
      ]);
    const last = written[written.length - 1]!;
    return { success: true, nextExpectedRevision: last.revision, position: positionOf(last) };
  }

  async setStreamMetadata(streamName: string, metadata: Record<string, unknown>): Promise<AppendResult> {
    return this.appendToStream(`$$${streamName}`, {
      id: randomishUuid(++this.appends),
      type: '$metadata',
      contentType: 'application/json',
      data: metadata,
      metadata: undefined,
    } as EventData);
  }

  readStream(
    streamName: string,
    options: { fromRevision?: 'start' | 'end' | bigint; maxCount?: number | bigint; direction?: Direction } = {},
  ): AsyncIterable<{ event: unknown }> {
    this.calls.readStream++;
    return this.streamEvents(streamName, options);
  }

  private async *streamEvents(
    streamName: string,
    options: { fromRevision?: 'start' | 'end' | bigint; maxCount?: number | bigint; direction?: Direction },
  ): AsyncGenerator<{ event: unknown }> {
    await tick();
    const stream = this.streams.get(streamName);
    if (!stream) throw new StreamNotFoundError(undefined, streamName);
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromRevision ?? (options.direction === 'backwards' ? 'end' : 'start');
    let selected: LogRecord[];
    if (options.direction === 'backwards') {
      const top = from === 'end' ? Number.MAX_SAFE_INTEGER : from === 'start' ? 0 : Number(from);
      selected = stream.filter((record) => Number(record.revision) <= top).reverse();
    } else {
      const bottom = from === 'start' ? 0n : from === 'end' ? BigInt(stream.length) : from;
      selected = stream.filter((record) => record.revision >= bottom);
    }
    for (const record of selected.slice(0, max)) yield { event: recordedOf(record) };
  }

  readAll(
    options: { fromPosition?: 'start' | 'end' | Position; maxCount?: number | bigint; direction?: Direction } = {},
  ): AsyncIterable<{ event: unknown }> {
    this.calls.readAll++;
    return this.allEvents(options);
  }

  private async *allEvents(options: {
    fromPosition?: 'start' | 'end' | Position;
    maxCount?: number | bigint;
    direction?: Direction;
  }): AsyncGenerator<{ event: unknown }> {
    await tick();
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromPosition ?? (options.direction === 'backwards' ? 'end' : 'start');
    let selected: LogRecord[];
    if (options.direction === 'backwards') {
      const below = from === 'end' ? this.nextPosition : from === 'start' ? 0n : from.commit;
      if (typeof from === 'object' && from.commit < this.nextPosition && !this.isRecordStart(from.commit))
        throw new Error('Read All: the read appears to be at an invalid position');
      selected = this.log.filter((record) => record.position < below).reverse();
    } else {
      const atOrAbove = from === 'start' ? 0n : from === 'end' ? this.nextPosition : from.commit;
      if (
        typeof from === 'object' &&
        (from.commit !== from.prepare || (from.commit < this.nextPosition && !this.isRecordStart(from.commit)))
      ) {
        throw new Error('Read All: the read appears to be at an invalid position');
      }
      selected = this.log.filter((record) => record.position >= atOrAbove);
    }
    for (const record of selected.slice(0, max)) yield { event: recordedOf(record) };
  }

  async dispose(): Promise<void> {}

  /** Everything in a stream as stored (tests look at metadata). */
  streamRecords(
    streamName: string,
  ): readonly { id: string; type: string; data: unknown; metadata: unknown; position: bigint }[] {
    return (this.streams.get(streamName) ?? []).map((record) => ({ ...recordedOf(record), position: record.position }));
  }

  streamNames(): string[] {
    return [...this.streams.keys()];
  }

  private isRecordStart(position: bigint): boolean {
    return this.log.some((record) => record.position === position);
  }

  private write(streamName: string, events: readonly EventData[]): LogRecord[] {
    const stream = this.streams.get(streamName) ?? [];
    this.streams.set(streamName, stream);
    return events.map((event) => {
      const data = JSON.stringify(event.data);
      const metadata = event.metadata === undefined ? undefined : JSON.stringify(event.metadata);
      const record: LogRecord = {
        streamId: streamName,
        id: event.id,
        revision: BigInt(stream.length),
        type: event.type,
        contentType: event.contentType,
        data,
        metadata,
        created: new Date(this.now()),
        position: this.nextPosition,
      };
      // Records are as long as their content: positions are irregular, as on a server.
      this.nextPosition += BigInt(
        100 + Buffer.byteLength(data) + Buffer.byteLength(metadata ?? '') + Buffer.byteLength(streamName),
      );
      stream.push(record);
      this.log.push(record);
      return record;
    });
  }
}

function recordedOf(record: LogRecord) {
  return {
    streamId: record.streamId,
    id: record.id,
    revision: record.revision,
    type: record.type,
    isJson: record.contentType === 'application/json',
    data: JSON.parse(record.data) as unknown,
    metadata: record.metadata === undefined ? undefined : (JSON.parse(record.metadata) as unknown),
    created: record.created,
    position: positionOf(record),
  };
}

function positionOf(record: LogRecord): Position {
  return { commit: record.position, prepare: record.position };
}

function randomishUuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** Lets other calls run in between, as concurrent requests to a server would. */
function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
