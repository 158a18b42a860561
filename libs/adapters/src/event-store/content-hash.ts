import { hash } from 'node:crypto';
import stringify from 'fast-json-stable-stringify';
import { EventRecord } from '@smartme/ports';

/**
 * The content of an event record, everything but its id: `source`, `type`, `time` and
 * `data`, as canonical JSON (keys sorted, so the order in which a producer wrote the keys
 * does not matter). The same id with the same content is a duplicate; with another, a
 * conflict.
 */
export function canonicalContentOf(record: EventRecord): string {
  const { type, time, data } = record.event;
  return stringify({ source: record.source, type, time, data });
}

/** The content (canonicalContentOf) as a SHA-256 hex digest, for stores that keep it beside the event. */
export function contentHashOf(record: EventRecord): string {
  return sha256Hex(canonicalContentOf(record));
}

/** One-shot hashing: for inputs of a few hundred bytes, creating a Hash object costs more than hashing. */
export function sha256Hex(content: string | Uint8Array): string {
  return hash('sha256', content, 'hex');
}
