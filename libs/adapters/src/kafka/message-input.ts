import { IHeaders, KafkaMessage } from 'kafkajs';
import { RawInput } from '@smartme/application';
import { MessageHeader } from '@smartme/ports';

/** A Kafka message's position, the dead-letter `source` format for Kafka input. */
export function kafkaSource(topic: string, partition: number, offset: string): string {
  return `${topic}/${partition}/${offset}`;
}

/**
 * One consumed message as ingestion's input, whole: value, key and every header, so that
 * intake can tell the binding's mode and a dead letter keeps what the producer sent. A
 * tombstone (null value) becomes empty bytes: intake rejects it and it is dead-lettered,
 * instead of the consumer crashing on it or skipping it silently.
 */
export function toRawInput(topic: string, partition: number, message: KafkaMessage): RawInput {
  return {
    raw: message.value ?? Buffer.alloc(0),
    source: kafkaSource(topic, partition, message.offset),
    kafka: { key: message.key ?? null, headers: messageHeaders(message.headers) },
  };
}

/** kafkajs folds a repeated header into an array: unfolded here, in order. */
export function messageHeaders(headers: IHeaders | undefined): MessageHeader[] {
  const list: MessageHeader[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined) list.push({ name, value: Buffer.isBuffer(one) ? one : Buffer.from(one) });
    }
  }
  return list;
}
