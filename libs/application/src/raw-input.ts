import { KafkaMessageParts } from '@smartme/ports';
import { Intake, IntakeContext, decodeKafkaMessage, decodeStructured, safeText } from './intake';

/**
 * One input to ingest, whole: the bytes as received and where they came from
 * (`FILE:LINE`, `topic/partition/offset`, `http:…#n`). A Kafka message also brings its key
 * and headers: they decide how it is decoded (the binding's structured or binary mode)
 * and are kept with it if it becomes a dead letter.
 */
export interface RawInput {
  readonly raw: Buffer;
  readonly source: string;
  readonly kafka?: KafkaMessageParts | null;
}

/** The prefix of a reason that blames the service, not the input's content. */
export const INTERNAL = 'internal';

export function internalReason(error: unknown): string {
  return safeText(`${INTERNAL}: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * The verdict on one input, whatever its bytes and headers: never throws. Decoding is
 * total by construction (fuzzed in the tests); the catch is for a bug we have not found,
 * which must cost one input, dead-lettered with its cause, not the pipeline.
 */
export function decodeRawInput(input: RawInput, context: IntakeContext): Intake {
  try {
    return input.kafka
      ? decodeKafkaMessage(input.raw, input.kafka.headers, context)
      : decodeStructured(input.raw, context);
  } catch (error) {
    return { ok: false, reason: internalReason(error), eventId: null };
  }
}
