import { Clock, DeadLetterStore, EventRecord, EventStore, NewDeadLetter } from '@smartme/ports';
import { BillingSettings } from './billing-settings';
import { decodeBinary, decodeStructured } from './intake';

/**
 * One input to ingest: its raw bytes and where it came from (`FILE:LINE`,
 * `topic/partition/offset`, `http`). With CloudEvents binary-mode headers (`ce_*`, from
 * Kafka) the bytes are the event's data; otherwise they are a structured event.
 */
export interface RawInput {
  readonly raw: Buffer;
  readonly source: string;
  readonly headers?: Readonly<Record<string, string | Buffer | undefined>>;
}

/** Counted in input lines (interfaces.md §3, `ingest`). */
export interface IngestSummary {
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** What happened to one input, for callers that report per event (HTTP). */
export type InputOutcome =
  | { readonly status: 'accepted' | 'duplicate'; readonly eventId: string; readonly position: bigint }
  | { readonly status: 'rejected'; readonly eventId: string | null; readonly reason: string };

/**
 * Validates inputs and appends the valid ones in one batch; invalid input and
 * conflicting duplicates go to the dead-letter store with the raw bytes, the source
 * and the reason, and never stop the run.
 */
export class Ingestion {
  constructor(
    private readonly events: EventStore,
    private readonly deadLetters: DeadLetterStore,
    private readonly clock: Clock,
    private readonly settings: Pick<BillingSettings, 'maxClockSkewMs'>,
  ) {}

  async ingestBatch(inputs: readonly RawInput[], options: { deadLetter?: boolean } = {}): Promise<InputOutcome[]> {
    const context = { nowMs: this.clock.nowMs(), maxClockSkewMs: this.settings.maxClockSkewMs };
    const decoded = inputs.map((input) =>
      (isBinaryMode(input.headers) ? decodeBinary(input.headers!, input.raw, context) : decodeStructured(input.raw, context)));
    const records: EventRecord[] = [];
    for (const result of decoded) if (result.ok) records.push(result.record);
    const appended = await this.events.append(records);

    let next = 0;
    const outcomes: InputOutcome[] = decoded.map((result) => {
      if (!result.ok) return { status: 'rejected', eventId: result.eventId, reason: result.reason };
      const outcome = appended[next++]!;
      if (outcome.status === 'conflict') {
        return { status: 'rejected', eventId: outcome.eventId, reason: `id: conflicts with the event stored at position ${outcome.position} under the same id; the first one stands` };
      }
      return { status: outcome.status === 'appended' ? 'accepted' : 'duplicate', eventId: outcome.eventId, position: outcome.position };
    });

    const letters: NewDeadLetter[] = outcomes.flatMap((outcome, i) =>
      outcome.status === 'rejected' ? [{ source: inputs[i]!.source, reason: outcome.reason, raw: inputs[i]!.raw, eventId: outcome.eventId }] : []);
    if (letters.length > 0 && options.deadLetter !== false) await this.deadLetters.add(letters);
    return outcomes;
  }

  /** Ingests a stream of inputs in batches, reporting the running summary after each. */
  async ingestAll(inputs: AsyncIterable<RawInput>, options: { batchSize?: number; onBatch?: (summary: IngestSummary) => Promise<void> | void } = {}): Promise<IngestSummary> {
    const summary: IngestSummary = { accepted: 0, duplicates: 0, rejected: 0 };
    const batchSize = options.batchSize ?? 2000;
    let batch: RawInput[] = [];
    const flush = async () => {
      for (const outcome of await this.ingestBatch(batch)) count(summary, outcome);
      batch = [];
      await options.onBatch?.(summary);
    };
    for await (const input of inputs) {
      batch.push(input);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length > 0) await flush();
    return summary;
  }
}

function isBinaryMode(headers: RawInput['headers']): boolean {
  return headers !== undefined && Object.keys(headers).some((name) => name.toLowerCase() === 'ce_specversion');
}

function count(summary: IngestSummary, outcome: InputOutcome): void {
  if (outcome.status === 'accepted') summary.accepted++;
  else if (outcome.status === 'duplicate') summary.duplicates++;
  else summary.rejected++;
}
