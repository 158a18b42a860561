import { ChargeOutbox } from './charge-outbox';
import { EventStore } from './event-store';

/**
 * Where the events live, as the composition root opens it: the event store, the outbox of
 * its charges (an outbox table beside a SQL store, the charge events themselves in
 * EventStoreDB), whether it answers, and how to let it go. The runtime opens one of these
 * and needs to know nothing else about which store it is.
 */
export interface EventStoreBackend {
  readonly events: EventStore;
  readonly outbox: ChargeOutbox;
  /** Whether the store answers (for readiness); never rejects. */
  ready(): Promise<boolean>;
  /** Releases what the backend opened itself (not a client it was handed). */
  close(): Promise<void>;
}
