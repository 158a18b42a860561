import { MessageHeader } from '@smartme/ports';
import { decodeBinary, decodeStructured } from './decode-event';
import { Intake, IntakeContext } from './intake';
import { decodeUtf8 } from './json-text';
import { quote } from './field-problem';
import { safeText } from './safe-text';

/** How a Kafka message carries its event (CloudEvents Kafka protocol binding). */
export type KafkaContentMode = 'structured' | 'binary' | { readonly invalid: string };

const CLOUDEVENTS = /^application\/cloudevents/i;
const CLOUDEVENTS_BATCH = /^application\/cloudevents-batch/i;
const CLOUDEVENTS_JSON = /^application\/cloudevents\+json\s*(;.*)?$/is;

/** The last value of a header, by case-insensitive name (Kafka's `lastHeader`, case-folded). */
export function lastHeader(headers: readonly MessageHeader[], name: string): Buffer | undefined {
  for (let i = headers.length - 1; i >= 0; i -= 1) {
    if (headers[i]!.name.toLowerCase() === name) return headers[i]!.value;
  }
  return undefined;
}

function hasCloudEventAttributes(headers: readonly MessageHeader[]): boolean {
  return headers.some((header) => header.name.toLowerCase().startsWith('ce_'));
}

/**
 * The binding's rule (interfaces.md §1): `content-type` starting with
 * `application/cloudevents` is structured mode (the JSON format only; there is no batch
 * mode on Kafka), anything else binary mode. A message with no CloudEvents header at
 * all (neither that content type nor any `ce_*` attribute) is read as structured: it
 * could never be a valid binary-mode event, and it is what plain JSON producers send.
 */
export function kafkaContentMode(headers: readonly MessageHeader[]): KafkaContentMode {
  const header = lastHeader(headers, 'content-type');
  const contentType = header === undefined ? null : decodeUtf8(header);
  if (contentType !== null && CLOUDEVENTS.test(contentType.trimStart())) {
    const type = contentType.trim();
    if (CLOUDEVENTS_BATCH.test(type)) {
      return {
        invalid: `content-type: ${quote(type)} is a batch, and the Kafka binding has no batch mode: send one event per message`,
      };
    }
    if (!CLOUDEVENTS_JSON.test(type)) {
      return {
        invalid: `content-type: ${quote(type)}: only the JSON event format (application/cloudevents+json) is read`,
      };
    }
    return 'structured';
  }
  return hasCloudEventAttributes(headers) ? 'binary' : 'structured';
}

/** One Kafka message, value and headers, decoded the way its headers say it was sent. */
export function decodeKafkaMessage(
  value: Buffer | null,
  headers: readonly MessageHeader[],
  context: IntakeContext,
): Intake {
  const mode = kafkaContentMode(headers);
  if (mode === 'structured') return decodeStructured(value ?? Buffer.alloc(0), context);
  if (mode === 'binary') return decodeBinary(headerRecord(headers), value, context);
  return { ok: false, reason: safeText(mode.invalid), eventId: null };
}

/** Last value wins, as `lastHeader` reads a repeated header. */
function headerRecord(headers: readonly MessageHeader[]): Record<string, Buffer> {
  const record: Record<string, Buffer> = {};
  for (const { name, value } of headers) record[name.toLowerCase()] = value;
  return record;
}
