import { ChargeEvent } from '@smartme/domain';

/** A stored charge event not yet acknowledged by the broker. */
export interface PendingCharge {
  readonly position: bigint;
  readonly event: ChargeEvent;
}

/**
 * The outbox of charge events for invoicing, filled in the transaction that stores the
 * charges (EventStore.appendCharges). Publication is at least once: an entry is marked
 * published only after the broker acknowledged it.
 */
export interface ChargeOutbox {
  /** Unpublished charges, oldest first. */
  pending(limit: number): Promise<PendingCharge[]>;
  markPublished(chargeIds: readonly string[]): Promise<void>;
  /** How many charges wait for publication. */
  backlog(): Promise<number>;
}
