import { InputEventType } from '@smartme/domain';
import { ValidationError, ValidatorOptions, validateSync } from 'class-validator';
import { CloudEventDto } from './cloud-event.dto';
import { compileDto } from './compiled-dto';
import { EVENT_SCHEMAS, EventHead, EventOf } from './event-schemas';
import { describeProblem, quote } from './field-problem';
import { isIdentifier } from './identifier.validator';
import { eventInstant } from './rfc3339.validator';
import { Intake, IntakeContext } from './intake';
import { JSON_OBJECT_PROBLEM, isJsonObject } from './json-object.validator';
import { decodeUtf8, parseJsonText } from './json-text';
import { safeText } from './safe-text';

export const INTAKE_VALIDATOR_OPTIONS: Readonly<ValidatorOptions> = {
  // Unknown fields are dropped, never an error: producers may add fields before billing
  // knows them, and whatever they are (possibly personal data) must not be stored. The
  // instance carries the declared fields only; the whitelist keeps it so if that ever changes.
  whitelist: true,
  forbidNonWhitelisted: false,
  forbidUnknownValues: true,
  // Reasons are built from the messages alone; keeping targets and values would only
  // hold on to input that is about to be dead-lettered as raw bytes anyway.
  validationError: { target: false, value: false },
};

interface Problem {
  /** The field, in CloudEvents names whatever the mode (`id`, `data.orgId`). */
  readonly path: string;
  readonly text: string;
}

const ENVELOPE_ORDER = ['specversion', 'id', 'source', 'type', 'time', 'data'];

/** Reasons list fields in envelope order, then data fields in their declared order. */
function rank(problem: Problem): number {
  const head = problem.path.split(/[.[]/, 1)[0]!;
  const index = ENVELOPE_ORDER.indexOf(head);
  return index < 0 ? ENVELOPE_ORDER.length : index;
}

function problemsOf(errors: readonly ValidationError[], prefix: string): Problem[] {
  return errors.flatMap((error) => {
    const path = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      path,
      text: describeProblem(path, message),
    }));
    return [...own, ...problemsOf(error.children ?? [], `${path}.`)];
  });
}

function formatDuration(ms: number): string {
  const units: readonly [number, string][] = [
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1_000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${name}${ms === size ? '' : 's'}`;
  }
  return `${ms} ms`;
}

function skewProblem(time: string, context: IntakeContext): Problem | null {
  if (eventInstant(time).epochMs - context.nowMs <= context.maxClockSkewMs) return null;
  return { path: 'time', text: `time: ${time} is more than ${formatDuration(context.maxClockSkewMs)} in the future` };
}

type DataVerdict<T extends InputEventType> =
  { readonly ok: true; readonly event: EventOf<T> } | { readonly ok: false; readonly problems: Problem[] };

/**
 * The slow path's DTO: the declared fields copied as they are, nothing else. No library
 * walks the input to build it (class-transformer recursed into nested arrays until the
 * stack overflowed), so nesting of any depth in any field reaches the checks intact, and
 * each check looks only at the top of its value.
 */
function decodeData<T extends InputEventType>(type: T, head: EventHead, data: Record<string, unknown>): DataVerdict<T> {
  const { compiled, toEvent } = EVENT_SCHEMAS[type];
  const dto = compiled.instantiate(data);
  const problems = problemsOf(validateSync(dto, INTAKE_VALIDATOR_OPTIONS), 'data.');
  return problems.length > 0 ? { ok: false, problems } : { ok: true, event: toEvent(head, dto) };
}

const ENVELOPE = compileDto(CloudEventDto);

function fastData<T extends InputEventType>(
  type: T,
  head: EventHead,
  data: Record<string, unknown>,
): EventOf<T> | null {
  const { compiled, toEvent } = EVENT_SCHEMAS[type];
  return compiled.accepts(data) ? toEvent(head, compiled.instantiate(data)) : null;
}

/**
 * The common case, valid input, without class-validator's per-call overhead: the
 * compiled DTO rules say yes to envelope and data (see `compileDto`). Null means "not
 * sure", and the full validation then decides and words the reasons.
 */
function fastAccept(event: Record<string, unknown>, context: IntakeContext): Intake | null {
  if (!ENVELOPE.accepts(event)) return null;
  const envelope = ENVELOPE.instantiate(event);
  if (skewProblem(envelope.time, context)) return null;
  const data = fastData(envelope.type, { id: envelope.id, time: envelope.time }, envelope.data);
  return data && { ok: true, record: { source: envelope.source, event: data } };
}

/**
 * Checks one parsed event with class-validator, collecting every problem. `early` holds
 * problems found before the event object could be built (binary mode: undecodable
 * headers or value); for a field they name, the DTO's own verdict (which would only
 * say `is required`) is left out.
 */
function validateFully(event: Record<string, unknown>, context: IntakeContext, early: readonly Problem[]): Intake {
  const envelope = ENVELOPE.instantiate(event);
  const problems: Problem[] = [...early];
  const failed = (path: string) => problems.some((problem) => problem.path === path);
  for (const problem of problemsOf(validateSync(envelope, INTAKE_VALIDATOR_OPTIONS), '')) {
    if (!failed(problem.path)) problems.push(problem);
  }
  if (!failed('time')) {
    const skew = skewProblem(envelope.time, context);
    if (skew) problems.push(skew);
  }
  if (!failed('type') && !failed('data')) {
    // The original object, not the envelope's copy: it was checked to be an object above.
    const verdict = decodeData(
      envelope.type,
      { id: envelope.id, time: envelope.time },
      event.data as Record<string, unknown>,
    );
    // Reached only if the compiled check were ever stricter than class-validator: such
    // a bug then costs speed, not events.
    if (verdict.ok && problems.length === 0) {
      return { ok: true, record: { source: envelope.source, event: verdict.event } };
    }
    if (!verdict.ok) problems.push(...verdict.problems);
  }
  const reasons = problems.map((problem, index) => ({ problem, index, rank: rank(problem) }));
  reasons.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return {
    ok: false,
    reason: safeText(reasons.map(({ problem }) => problem.text).join('; ')),
    eventId: isIdentifier(event.id) ? event.id : null,
  };
}

function check(event: Record<string, unknown>, context: IntakeContext, early: readonly Problem[] = []): Intake {
  return (early.length === 0 ? fastAccept(event, context) : null) ?? validateFully(event, context, early);
}

/** An already-parsed event, e.g. one element of an HTTP JSON array. */
export function validateCloudEvent(value: unknown, context: IntakeContext): Intake {
  if (!isJsonObject(value)) return { ok: false, reason: `event: ${JSON_OBJECT_PROBLEM}`, eventId: null };
  return check(value, context);
}

/** One structured-mode event as bytes or text: an NDJSON line, a Kafka value, an HTTP body element. */
export function decodeStructured(raw: Buffer | string, context: IntakeContext): Intake {
  const parsed = parseJsonText(raw);
  if (!parsed.ok) return { ok: false, reason: parsed.problem, eventId: null };
  return validateCloudEvent(parsed.value, context);
}

// Other `ce_*` headers (optional attributes, extensions) are accepted and not stored.
const BINARY_ATTRIBUTES = ['specversion', 'id', 'source', 'type', 'time'];

/**
 * A Kafka message in CloudEvents binary mode: attributes in `ce_*` headers, the value
 * is `data`. It is mapped onto the structured shape so that one contract decides, and
 * reasons use the CloudEvents names (`id`, not `ce_id`) like every other entry point.
 */
export function decodeBinary(
  headers: Readonly<Record<string, string | Buffer | undefined>>,
  value: Buffer | null,
  context: IntakeContext,
): Intake {
  // Kafka header names are case-sensitive but the binding's are lower case; a
  // producer writing `ce_ID` means the same attribute.
  const byName = new Map<string, string | Buffer>();
  for (const [name, header] of Object.entries(headers)) {
    if (header !== undefined) byName.set(name.toLowerCase(), header);
  }
  const event: Record<string, unknown> = {};
  const early: Problem[] = [];
  for (const attribute of BINARY_ATTRIBUTES) {
    const header = byName.get(`ce_${attribute}`);
    if (header === undefined) continue;
    const text = typeof header === 'string' ? header : decodeUtf8(header);
    if (text === null) early.push({ path: attribute, text: `${attribute}: is not valid UTF-8` });
    else event[attribute] = text;
  }
  const contentTypeProblem = dataContentTypeProblem(byName.get('content-type'));
  if (contentTypeProblem !== null) {
    // Filed under `data`, which it leaves unreadable (no `data: is required` on top of it).
    early.push({ path: 'data', text: `datacontenttype: ${contentTypeProblem}` });
  } else if (value !== null) {
    const parsed = parseJsonText(value);
    if (parsed.ok) event.data = parsed.value;
    else early.push({ path: 'data', text: `data: ${parsed.problem}` });
  }
  return check(event, context, early);
}

/** `application/json`, `text/json` or any `…/…+json`, parameters allowed (`; charset=utf-8`). */
const JSON_MEDIA_TYPE = /^\s*(application\/json|text\/json|[\w.+-]+\/[\w.-]+\+json)\s*(;.*)?$/is;

/**
 * In binary mode the binding maps `content-type` to `datacontenttype`, JSON when absent.
 * Billing's data is a JSON object, so any other media type cannot carry it.
 */
function dataContentTypeProblem(header: string | Buffer | undefined): string | null {
  if (header === undefined) return null;
  const text = typeof header === 'string' ? header : decodeUtf8(header);
  if (text === null) return 'is not valid UTF-8';
  return JSON_MEDIA_TYPE.test(text) ? null : `${quote(text)} is not JSON; the data must be a JSON object`;
}
