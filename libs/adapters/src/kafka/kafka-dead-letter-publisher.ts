import { IHeaders, Message } from 'kafkajs';
import { runsBySize } from '../batching/runs-by-size';
import { ProducerConnection } from './producer-connection';

/** Why the input was rejected, naming the field (the dead-letter store's `reason`). */
export const REASON_HEADER = 'billing_reason';
/** Where it was read: `topic/partition/offset`, `FILE:LINE` or `http`. */
export const SOURCE_HEADER = 'billing_source';
/** The CloudEvent id, when the input had a readable one. */
export const EVENT_ID_HEADER = 'billing_event_id';

/** A rejected input message, with what the dead-letter topic keeps of the original. */
export interface RejectedMessage {
  /** The original value exactly as received; null for a tombstone, which stays one. */
  readonly raw: Buffer | null;
  readonly reason: string;
  readonly source: string;
  readonly eventId: string | null;
  /** The original message key, so the producer's partitioning (by organisation) carries over. */
  readonly key?: Buffer | string | null;
  /** The original headers (binary-mode `ce_*` attributes among them). */
  readonly headers?: IHeaders;
}

/** Where the consumer sends what ingestion rejected; resolves once the broker acknowledged it. */
export interface RejectedMessageSink {
  publishRejected(messages: readonly RejectedMessage[]): Promise<void>;
}

/**
 * Copies rejected input to the dead-letter topic: value = the raw bytes, untouched, so that a
 * producer can inspect and re-send exactly what it sent; the verdict travels in headers.
 */
export class KafkaDeadLetterPublisher implements RejectedMessageSink {
  constructor(
    private readonly producer: ProducerConnection,
    private readonly topic: string,
  ) {}

  async publishRejected(messages: readonly RejectedMessage[]): Promise<void> {
    const sends = runsBySize(messages.map(toDeadLetterMessage), { maxBytes: DEAD_LETTER_SEND_BYTES, sizeOf });
    for (const part of sends) {
      await this.producer.send({ topic: this.topic, messages: part });
    }
  }
}

/**
 * About how many bytes one send carries. A broker refuses a record batch over its
 * `message.max.bytes` (1 MiB by default) and kafkajs sends a partition's messages as one
 * batch, while a consumer's chunk of rejected input can hold several MiB: one send of it
 * would fail for ever and stall the partition.
 */
export const DEAD_LETTER_SEND_BYTES = 512 * 1024;

function sizeOf(message: Message): number {
  let size = byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    size += Buffer.byteLength(name);
    for (const one of Array.isArray(value) ? value : [value]) size += byteLength(one ?? null);
  }
  return size;
}

function byteLength(value: Buffer | string | null | undefined): number {
  return value === null || value === undefined ? 0 : Buffer.byteLength(value);
}

function toDeadLetterMessage(rejected: RejectedMessage): Message {
  const headers: IHeaders = { ...rejected.headers, [REASON_HEADER]: rejected.reason, [SOURCE_HEADER]: rejected.source };
  // Ours win over same-named original headers: a producer cannot forge the verdict.
  if (rejected.eventId !== null) headers[EVENT_ID_HEADER] = rejected.eventId;
  else delete headers[EVENT_ID_HEADER];
  return { key: rejected.key ?? null, value: rejected.raw, headers };
}
