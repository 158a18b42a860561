/**
 * The store (events or dead letters) did not answer: an outage, not a fault of the input.
 * Intake pauses on it (nothing is committed, nothing valid is dead-lettered) and the
 * input is offered again later: a Kafka consumer retries from its last commit, an HTTP
 * client gets 503, the CLI exits 1.
 */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the store does not answer: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}
