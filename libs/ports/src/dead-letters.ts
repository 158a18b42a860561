/** One Kafka message header, its value as bytes exactly as received. */
export interface MessageHeader {
  readonly name: string;
  readonly value: Buffer;
}

/**
 * What a Kafka message carries besides its value: the key (the producer's partitioning)
 * and the headers in order, repeats included (a binary-mode event's attributes live there).
 */
export interface KafkaMessageParts {
  readonly key: Buffer | null;
  readonly headers: readonly MessageHeader[];
}

/** Input that could not be accepted, kept whole, exactly as received (interfaces.md §1). */
export interface DeadLetter {
  readonly id: string;
  readonly receivedAt: string;
  /** Where it came from: `FILE:LINE`, `topic/partition/offset`, or `http:…`. */
  readonly source: string;
  /** What is wrong, naming the field. */
  readonly reason: string;
  /** The value bytes exactly as received (a Kafka tombstone is empty). */
  readonly raw: Buffer;
  /** The event id when the input had one (a conflicting duplicate, say). */
  readonly eventId: string | null;
  /** Key and headers of a Kafka message; null for files and HTTP (and letters stored before they were kept). */
  readonly kafka: KafkaMessageParts | null;
}

export type NewDeadLetter = Omit<DeadLetter, 'id' | 'receivedAt'>;

export interface DeadLetterStore {
  /** Stores dead letters; the same raw input from the same source is kept once. */
  add(letters: readonly NewDeadLetter[]): Promise<void>;
  /** Dead letters not yet re-driven, oldest first. */
  list(options?: { ids?: readonly string[] }): Promise<DeadLetter[]>;
  /** Marks dead letters as re-driven successfully; they no longer list. */
  resolve(ids: readonly string[]): Promise<void>;
  /** Records a new reason for dead letters that failed again on re-drive. */
  updateReason(id: string, reason: string): Promise<void>;
}
