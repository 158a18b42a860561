import { IHeaders, KafkaMessage } from 'kafkajs';
import { RawInput } from '@smartme/application';

/** A Kafka message's position, the dead-letter `source` format for Kafka input. */
export function kafkaSource(topic: string, partition: number, offset: string): string {
  return `${topic}/${partition}/${offset}`;
}

/**
 * One consumed message as ingestion's input. A tombstone (null value) becomes empty bytes:
 * ingestion then rejects it as invalid input and dead-letters it, instead of the consumer
 * crashing on it or skipping it silently.
 */
export function toRawInput(topic: string, partition: number, message: KafkaMessage): RawInput {
  const source = kafkaSource(topic, partition, message.offset);
  const raw = message.value ?? Buffer.alloc(0);
  const headers = cloudEventHeaders(message.headers);
  return headers === undefined ? { raw, source } : { raw, source, headers };
}

/**
 * The CloudEvents binary-mode attributes (`ce_*`), when the message has any. Other headers
 * (tracing, the producer's own) mean nothing to intake and are left out. A repeated header
 * counts by its last value, as Kafka's `Headers.lastHeader` reads it.
 */
export function cloudEventHeaders(headers: IHeaders | undefined): Record<string, string | Buffer> | undefined {
  if (headers === undefined) return undefined;
  let found: Record<string, string | Buffer> | undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.toLowerCase().startsWith('ce_') || value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last === undefined) continue;
    (found ??= {})[name] = last;
  }
  return found;
}
