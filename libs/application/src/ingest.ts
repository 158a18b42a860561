import { INPUT_EVENT_TYPES, InputEventType } from '@smartme/domain';
import { Clock, DeadLetterStore, EventRecord, EventStore, NewDeadLetter } from '@smartme/ports';
import { BillingSettings } from './billing-settings';
import { Intake, decodeBinary, decodeStructured } from './intake';

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
 * What became of one input of a batch, for observers (metrics): `dead-lettered` is an
 * invalid or conflicting input written to the dead-letter store now; `still-rejected` is
 * a re-driven dead letter that failed again (it stays a dead letter, it is not a new one).
 * `type` is the event type when the input names a known one, else null.
 */
export interface IngestedInput {
  readonly type: InputEventType | null;
  readonly outcome: 'accepted' | 'duplicate' | 'dead-lettered' | 'still-rejected';
}

/** Told about every batch once its outcomes are durable (stored, dead letters written). */
export type IngestionObserver = (batch: readonly IngestedInput[]) => void;

/**
 * Validates inputs and appends the valid ones in one batch; invalid input and
 * conflicting duplicates go to the dead-letter store with the raw bytes, the source
 * and the reason, and never stop the run.
 */
export class Ingestion {
  private readonly observers = new Set<IngestionObserver>();

  constructor(
    private readonly events: EventStore,
    private readonly deadLetters: DeadLetterStore,
    private readonly clock: Clock,
    private readonly settings: Pick<BillingSettings, 'maxClockSkewMs'>,
  ) {}

  async ingestBatch(inputs: readonly RawInput[], options: { deadLetter?: boolean } = {}): Promise<InputOutcome[]> {
    return this.store(this.decode(inputs), options);
  }

  /** Validation only (CPU): a pipelining caller decodes the next batch while the last one is stored. */
  private decode(inputs: readonly RawInput[]): DecodedBatch {
    const context = { nowMs: this.clock.nowMs(), maxClockSkewMs: this.settings.maxClockSkewMs };
    const decoded = inputs.map((input) =>
      isBinaryMode(input.headers)
        ? decodeBinary(input.headers!, input.raw, context)
        : decodeStructured(input.raw, context),
    );
    return { inputs, decoded };
  }

  private async store({ inputs, decoded }: DecodedBatch, options: { deadLetter?: boolean }): Promise<InputOutcome[]> {
    const records: EventRecord[] = [];
    for (const result of decoded) if (result.ok) records.push(result.record);
    const appended = await this.events.append(records);

    let next = 0;
    const outcomes: InputOutcome[] = decoded.map((result) => {
      if (!result.ok) return { status: 'rejected', eventId: result.eventId, reason: result.reason };
      const outcome = appended[next++]!;
      if (outcome.status === 'conflict') {
        return {
          status: 'rejected',
          eventId: outcome.eventId,
          reason: `id: conflicts with the event stored at position ${outcome.position} under the same id; the first one stands`,
        };
      }
      return {
        status: outcome.status === 'appended' ? 'accepted' : 'duplicate',
        eventId: outcome.eventId,
        position: outcome.position,
      };
    });

    const letters: NewDeadLetter[] = outcomes.flatMap((outcome, i) =>
      outcome.status === 'rejected'
        ? [{ source: inputs[i]!.source, reason: outcome.reason, raw: inputs[i]!.raw, eventId: outcome.eventId }]
        : [],
    );
    if (letters.length > 0 && options.deadLetter !== false) await this.deadLetters.add(letters);
    if (this.observers.size > 0) this.notify(inputs, decoded, outcomes, options.deadLetter !== false);
    return outcomes;
  }

  /**
   * Every caller (HTTP, Kafka, files, re-drive) ingests through `ingestBatch`, so this is
   * the one place that sees every outcome. Returns the function that stops observing.
   */
  observe(observer: IngestionObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  private notify(
    inputs: readonly RawInput[],
    decoded: readonly Intake[],
    outcomes: readonly InputOutcome[],
    deadLettered: boolean,
  ): void {
    const batch = outcomes.map((outcome, i): IngestedInput => {
      const intake = decoded[i]!;
      const type = intake.ok ? (intake.record.event.type as InputEventType) : declaredType(inputs[i]!);
      if (outcome.status !== 'rejected') return { type, outcome: outcome.status };
      return { type, outcome: deadLettered ? 'dead-lettered' : 'still-rejected' };
    });
    // An observer is a bystander: its failure must not fail an ingestion that is already durable.
    for (const observer of this.observers) {
      try {
        observer(batch);
      } catch {
        // ignored on purpose (see above)
      }
    }
  }

  /**
   * Ingests a stream of inputs in batches, reporting the running summary after each. The
   * next batch is read and validated while the previous one is being stored; batches are
   * stored one after the other, in input order.
   */
  async ingestAll(
    inputs: AsyncIterable<RawInput>,
    options: { batchSize?: number; onBatch?: (summary: IngestSummary) => Promise<void> | void } = {},
  ): Promise<IngestSummary> {
    const summary: IngestSummary = { accepted: 0, duplicates: 0, rejected: 0 };
    const batchSize = options.batchSize ?? 2000;
    let storing: Promise<void> = Promise.resolve();
    let batch: RawInput[] = [];
    const flush = async () => {
      const decoded = this.decode(batch);
      batch = [];
      await storing;
      storing = this.store(decoded, {}).then(async (outcomes) => {
        for (const outcome of outcomes) count(summary, outcome);
        await options.onBatch?.(summary);
      });
      // Seen by the next flush or the final wait; until then it must not count as unhandled.
      storing.catch(() => undefined);
    };
    for await (const input of inputs) {
      batch.push(input);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length > 0) await flush();
    await storing;
    return summary;
  }
}

interface DecodedBatch {
  readonly inputs: readonly RawInput[];
  readonly decoded: readonly Intake[];
}

function isBinaryMode(headers: RawInput['headers']): boolean {
  return headers !== undefined && Object.keys(headers).some((name) => name.toLowerCase() === 'ce_specversion');
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(INPUT_EVENT_TYPES);

/** The type an invalid input claims, when it names a known one (bounded label values for metrics). */
function declaredType(input: RawInput): InputEventType | null {
  let type: unknown;
  if (isBinaryMode(input.headers)) {
    const header = Object.entries(input.headers!).find(([name]) => name.toLowerCase() === 'ce_type')?.[1];
    type = header === undefined ? undefined : header.toString();
  } else {
    try {
      type = (JSON.parse(input.raw.toString('utf8')) as { type?: unknown } | null)?.type;
    } catch {
      return null;
    }
  }
  return typeof type === 'string' && KNOWN_TYPES.has(type) ? (type as InputEventType) : null;
}

function count(summary: IngestSummary, outcome: InputOutcome): void {
  if (outcome.status === 'accepted') summary.accepted++;
  else if (outcome.status === 'duplicate') summary.duplicates++;
  else summary.rejected++;
}
