import { DeadLetter, MessageHeader } from '@smartme/ports';
import { decodeUtf8 } from './intake';

/**
 * A dead letter as operators list it (interfaces.md §3): `rawBase64` is the input exactly,
 * `raw` the same bytes as text (null when they are not UTF-8: a replacement character
 * would show an input that never was); `key` and `headers` what a Kafka message carried,
 * null for files and HTTP.
 */
export interface DeadLetterView {
  readonly id: string;
  readonly receivedAt: string;
  readonly source: string;
  readonly reason: string;
  readonly raw: string | null;
  readonly rawBase64: string;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>> | null;
}

/** Marks a key or header value that is not UTF-8 text, shown as its base64 instead. */
export const BASE64_PREFIX = 'base64:';

export function deadLetterView(letter: DeadLetter): DeadLetterView {
  return {
    id: letter.id,
    receivedAt: letter.receivedAt,
    source: letter.source,
    reason: letter.reason,
    raw: decodeUtf8(letter.raw),
    rawBase64: letter.raw.toString('base64'),
    key: letter.kafka?.key ? bytesAsText(letter.kafka.key) : null,
    headers: letter.kafka ? headerObject(letter.kafka.headers) : null,
  };
}

function bytesAsText(bytes: Buffer): string {
  return decodeUtf8(bytes) ?? `${BASE64_PREFIX}${bytes.toString('base64')}`;
}

/** One string per name: a repeated header shows its last value, the one intake reads. */
function headerObject(headers: readonly MessageHeader[]): Record<string, string> {
  const object: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const { name, value } of headers) object[name] = bytesAsText(value);
  return object;
}
