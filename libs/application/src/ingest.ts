import { INPUT_EVENT_TYPES, InputEventType } from '@smartme/domain';
import {
  AppendOutcome,
  Clock,
  DeadLetterStore,
  EventRecord,
  EventStore,
  NewDeadLetter,
  StoreProbe,
} from '@smartme/ports';
import { BillingSettings } from './billing-settings';
import { Intake, decodeUtf8, kafkaContentMode, lastHeader, parseJsonText, safeText } from './intake';
import { RawInput, decodeRawInput, internalReason } from './raw-input';
import { StoreUnavailableError } from './store-unavailable';

/** Counted in input lines (interfaces.md §3, `ingest`). */
export interface IngestSummary {
  accepted: number;
  duplicates: number;
  rejected: number;
}

/**
 * What happened to one input, for callers that report per input (HTTP, Kafka). A rejected
 * input is `deadLettered` once its dead letter is stored; false only when even that
 * write failed while the store answered (a Kafka consumer still sends it to the
 * dead-letter topic; HTTP tells the client it was not kept).
 */
export type InputOutcome =
  | { readonly status: 'accepted' | 'duplicate'; readonly eventId: string; readonly position: bigint }
  | {
      readonly status: 'rejected';
      readonly eventId: string | null;
      readonly reason: string;
      readonly deadLettered: boolean;
    };

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

/** How many inputs `ingestAll` stores in one append (one transaction) unless told otherwise. */
export const INGEST_BATCH_SIZE = 2000;

/** Stores a batch `prepareBatch` validated; resolves once its outcomes are durable. */
export type StoreStep = () => Promise<InputOutcome[]>;

/** Inputs validated between two turns of the event loop (about a millisecond of work). */
const DECODE_SLICE = 250;

function turnOfTheEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Told about every batch once its outcomes are durable (stored, dead letters written). */
export type IngestionObserver = (batch: readonly IngestedInput[]) => void;

type Appended = AppendOutcome | { readonly status: 'failed'; readonly eventId: string; readonly reason: string };

/**
 * Validates inputs and appends the valid ones in one batch; invalid input and
 * conflicting duplicates go to the dead-letter store whole (bytes, Kafka key and
 * headers), with the source and the reason. Nothing an input holds stops a batch
 * (interfaces.md §1): when a batch fails while the store answers, it is halved until
 * the inputs that fail are found, and those are dead-lettered with an `internal:`
 * reason; when the store does not answer, `StoreUnavailableError` is thrown and nothing
 * valid has been dead-lettered.
 */
export class Ingestion {
  private readonly observers = new Set<IngestionObserver>();

  constructor(
    private readonly events: EventStore,
    private readonly deadLetters: DeadLetterStore,
    private readonly clock: Clock,
    private readonly settings: Pick<BillingSettings, 'maxClockSkewMs'>,
    private readonly storeAnswers: StoreProbe,
  ) {}

  async ingestBatch(inputs: readonly RawInput[], options: { deadLetter?: boolean } = {}): Promise<InputOutcome[]> {
    return (await this.prepareBatch(inputs, options))();
  }

  /**
   * `ingestBatch` in two steps: validates the inputs (CPU only) and returns the step that
   * stores them, so that a caller validates its next batch while the last one is stored.
   */
  async prepareBatch(inputs: readonly RawInput[], options: { deadLetter?: boolean } = {}): Promise<StoreStep> {
    const decoded = await this.decode(inputs);
    return () => this.store(decoded, options);
  }

  /**
   * Validation, a slice of inputs at a time with a turn of the event loop between slices:
   * a batch being stored meanwhile gets its round trips answered as they come back instead
   * of waiting for the whole batch to be validated.
   */
  private async decode(inputs: readonly RawInput[]): Promise<DecodedBatch> {
    const context = { nowMs: this.clock.nowMs(), maxClockSkewMs: this.settings.maxClockSkewMs };
    const decoded: Intake[] = [];
    for (let start = 0; start < inputs.length; start += DECODE_SLICE) {
      if (start > 0) await turnOfTheEventLoop();
      const end = Math.min(start + DECODE_SLICE, inputs.length);
      for (let i = start; i < end; i++) decoded.push(decodeRawInput(inputs[i]!, context));
    }
    return { inputs, decoded };
  }

  private async store({ inputs, decoded }: DecodedBatch, options: { deadLetter?: boolean }): Promise<InputOutcome[]> {
    const records: EventRecord[] = [];
    for (const result of decoded) if (result.ok) records.push(result.record);
    const appended = await this.append(records);

    let next = 0;
    const verdicts = decoded.map((result): Verdict => {
      if (!result.ok) return { status: 'rejected', eventId: result.eventId, reason: result.reason };
      return verdictOf(appended[next++]!);
    });

    const letters: IndexedLetter[] = [];
    verdicts.forEach((verdict, index) => {
      if (verdict.status === 'rejected') letters.push({ index, letter: letterOf(inputs[index]!, verdict) });
    });
    const kept = options.deadLetter === false ? new Set<number>() : await this.deadLetter(letters);
    const outcomes = verdicts.map((verdict, i): InputOutcome =>
      verdict.status === 'rejected' ? { ...verdict, deadLettered: kept.has(i) } : verdict,
    );
    if (this.observers.size > 0) this.notify(inputs, decoded, outcomes, options.deadLetter !== false);
    return outcomes;
  }

  /** The batch in one append; if that fails while the store answers, each half on its own. */
  private async append(records: readonly EventRecord[]): Promise<Appended[]> {
    if (records.length === 0) return [];
    try {
      return await this.events.append(records);
    } catch (error) {
      await this.assertStoreAnswers(error);
      if (records.length > 1) {
        const half = Math.ceil(records.length / 2);
        return [...(await this.append(records.slice(0, half))), ...(await this.append(records.slice(half)))];
      }
      return [await this.appendAlone(records[0]!)];
    }
  }

  /** Once more, in case the fault was passing (a deadlock, a failover); then it is this event's. */
  private async appendAlone(record: EventRecord): Promise<Appended> {
    try {
      const [outcome] = await this.events.append([record]);
      return outcome!;
    } catch (error) {
      await this.assertStoreAnswers(error);
      return { status: 'failed', eventId: record.event.id, reason: internalReason(error) };
    }
  }

  /**
   * Stores the letters, halving on failure like `append`. A letter that cannot be stored
   * even alone is tried once more without its Kafka parts and with a plain reason; the
   * indexes returned are those whose letter is stored.
   */
  private async deadLetter(letters: readonly IndexedLetter[]): Promise<Set<number>> {
    if (letters.length === 0) return new Set();
    try {
      await this.deadLetters.add(letters.map(({ letter }) => letter));
      return new Set(letters.map(({ index }) => index));
    } catch (error) {
      await this.assertStoreAnswers(error);
      if (letters.length > 1) {
        const half = Math.ceil(letters.length / 2);
        const [first, second] = [
          await this.deadLetter(letters.slice(0, half)),
          await this.deadLetter(letters.slice(half)),
        ];
        return new Set([...first, ...second]);
      }
      const { index, letter } = letters[0]!;
      // What could still fail is what the store does beyond the bytes: keep those and the reason.
      const bare: NewDeadLetter = {
        ...letter,
        kafka: null,
        reason: safeText(`${letter.reason}; its Kafka key and headers were not kept (${internalReason(error)})`),
      };
      try {
        await this.deadLetters.add([bare]);
        return new Set([index]);
      } catch (again) {
        await this.assertStoreAnswers(again);
        return new Set();
      }
    }
  }

  private async assertStoreAnswers(failure: unknown): Promise<void> {
    const answers = await this.storeAnswers().catch(() => false);
    if (!answers) throw new StoreUnavailableError(failure);
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
      const type = intake.ok ? (intake.record.event.type as InputEventType) : claimedType(inputs[i]!);
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
   * stored one after the other, in input order. Inputs may come one by one or in arrays
   * (a file's lines as each chunk completes them), which saves an async step per input.
   */
  async ingestAll(
    inputs: AsyncIterable<RawInput | readonly RawInput[]>,
    options: { batchSize?: number; onBatch?: (summary: IngestSummary) => Promise<void> | void } = {},
  ): Promise<IngestSummary> {
    const summary: IngestSummary = { accepted: 0, duplicates: 0, rejected: 0 };
    const unkept: string[] = [];
    const batchSize = options.batchSize ?? INGEST_BATCH_SIZE;
    let storing: Promise<void> = Promise.resolve();
    let batch: RawInput[] = [];
    const flush = async () => {
      const decoded = await this.decode(batch);
      batch = [];
      await storing;
      storing = this.store(decoded, {}).then(async (outcomes) => {
        outcomes.forEach((outcome, i) => {
          count(summary, outcome);
          if (outcome.status === 'rejected' && !outcome.deadLettered) unkept.push(decoded.inputs[i]!.source);
        });
        await options.onBatch?.(summary);
      });
      // Seen by the next flush or the final wait; until then it must not count as unhandled.
      storing.catch(() => undefined);
    };
    for await (const arrived of inputs) {
      for (const input of isInputArray(arrived) ? arrived : [arrived]) {
        batch.push(input);
        if (batch.length >= batchSize) await flush();
      }
    }
    if (batch.length > 0) await flush();
    await storing;
    if (unkept.length > 0) throw new DeadLettersNotKeptError(summary, unkept);
    return summary;
  }
}

/**
 * Everything was processed, but some rejected inputs could not be written to the
 * dead-letter store although it answered: the run is a failure (nothing may be dropped),
 * and running it again is safe (appends and dead letters are idempotent).
 */
export class DeadLettersNotKeptError extends Error {
  constructor(
    readonly summary: IngestSummary,
    readonly sources: readonly string[],
  ) {
    super(
      `${sources.length} rejected input(s) could not be kept as dead letters (first: ${sources[0]}); run the ingest again`,
    );
    this.name = 'DeadLettersNotKeptError';
  }
}

type Verdict =
  | { readonly status: 'accepted' | 'duplicate'; readonly eventId: string; readonly position: bigint }
  | { readonly status: 'rejected'; readonly eventId: string | null; readonly reason: string };

interface IndexedLetter {
  readonly index: number;
  readonly letter: NewDeadLetter;
}

interface DecodedBatch {
  readonly inputs: readonly RawInput[];
  readonly decoded: readonly Intake[];
}

function verdictOf(appended: Appended): Verdict {
  switch (appended.status) {
    case 'appended':
      return { status: 'accepted', eventId: appended.eventId, position: appended.position };
    case 'duplicate':
      return { status: 'duplicate', eventId: appended.eventId, position: appended.position };
    case 'conflict':
      return {
        status: 'rejected',
        eventId: appended.eventId,
        reason: `id: conflicts with the event stored at position ${appended.position} under the same id; the first one stands`,
      };
    case 'failed':
      return { status: 'rejected', eventId: appended.eventId, reason: appended.reason };
  }
}

function letterOf(input: RawInput, verdict: Extract<Verdict, { status: 'rejected' }>): NewDeadLetter {
  return {
    source: input.source,
    reason: verdict.reason,
    raw: input.raw,
    eventId: verdict.eventId,
    kafka: input.kafka ?? null,
  };
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(INPUT_EVENT_TYPES);

/** The type an invalid input claims, when it names a known one (bounded label values for metrics). */
function claimedType(input: RawInput): InputEventType | null {
  let type: unknown;
  if (input.kafka && kafkaContentMode(input.kafka.headers) === 'binary') {
    const header = lastHeader(input.kafka.headers, 'ce_type');
    type = header === undefined ? undefined : decodeUtf8(header);
  } else {
    const parsed = parseJsonText(input.raw);
    type =
      parsed.ok && typeof parsed.value === 'object' && parsed.value !== null
        ? (parsed.value as { type?: unknown }).type
        : undefined;
  }
  return typeof type === 'string' && KNOWN_TYPES.has(type) ? (type as InputEventType) : null;
}

function isInputArray(arrived: RawInput | readonly RawInput[]): arrived is readonly RawInput[] {
  return Array.isArray(arrived);
}

function count(summary: IngestSummary, outcome: InputOutcome): void {
  if (outcome.status === 'accepted') summary.accepted++;
  else if (outcome.status === 'duplicate') summary.duplicates++;
  else summary.rejected++;
}
