/** Input that could not be accepted, kept exactly as received (interfaces.md §1). */
export interface DeadLetter {
  readonly id: string;
  readonly receivedAt: string;
  /** Where it came from: `FILE:LINE`, `topic/partition/offset`, or `http`. */
  readonly source: string;
  /** What is wrong, naming the field. */
  readonly reason: string;
  readonly raw: Buffer;
  /** The event id when the input had one (a conflicting duplicate, say). */
  readonly eventId: string | null;
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

export const DEAD_LETTER_STORE = Symbol('DeadLetterStore');
