import { IHeaders, Message } from 'kafkajs';
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
    if (messages.length === 0) return;
    await this.producer.send({ topic: this.topic, messages: messages.map(toDeadLetterMessage) });
  }
}

function toDeadLetterMessage(rejected: RejectedMessage): Message {
  const headers: IHeaders = { ...rejected.headers, [REASON_HEADER]: rejected.reason, [SOURCE_HEADER]: rejected.source };
  // Ours win over same-named original headers: a producer cannot forge the verdict.
  if (rejected.eventId !== null) headers[EVENT_ID_HEADER] = rejected.eventId;
  else delete headers[EVENT_ID_HEADER];
  return { key: rejected.key ?? null, value: rejected.raw, headers };
}
