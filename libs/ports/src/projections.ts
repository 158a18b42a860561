import { BillingState, ChargeEvent, ChargeKind, OrganisationMaterials } from '@smartme/domain';
import { RecordedEvent } from './event-store';

/**
 * What the projections hold of one organisation: the materials the close decides it from,
 * usage per day, or per month where every period of the organisation is whole months (no
 * closing date): either answers the close's questions exactly.
 */
export type OrganisationRecord = OrganisationMaterials;

export interface ChargeFilter {
  readonly orgId?: string;
  readonly period?: string;
  readonly kind?: ChargeKind;
}

/** An issued charge event with the position it was stored at. */
export interface IssuedChargeEvent {
  readonly position: bigint;
  readonly event: ChargeEvent;
}

/** A share of the organisations as rebuilt from the stream: their state and the charges issued to them. */
export interface RebuiltPartition {
  readonly state: BillingState;
  readonly charges: readonly IssuedChargeEvent[];
}

export interface ReplacementReport {
  /** Whether the rebuilt state equals what the projections held before. */
  readonly equal: boolean;
  /** Per table: rows that differ (only in the old state or only in the new one). */
  readonly differences: Readonly<Record<string, number>>;
}

/**
 * The read models the service keeps from the event stream. Each batch is applied with
 * the checkpoint in one transaction, so a crash resumes exactly where the state is.
 */
export interface ProjectionStore {
  checkpoint(): Promise<bigint>;
  /** Applies events after the checkpoint (older ones in the batch are skipped) and moves it. */
  apply(batch: readonly RecordedEvent[]): Promise<void>;
  organisationIds(): Promise<string[]>;
  /** Organisations with at least one contract application, in id order: the only ones a close can bill. */
  contractedOrganisationIds(): Promise<string[]>;
  organisations(orgIds?: readonly string[]): Promise<OrganisationRecord[]>;
  charges(filter?: ChargeFilter): Promise<IssuedChargeEvent[]>;
  /** The issued charge with that id, or null. */
  charge(chargeId: string): Promise<IssuedChargeEvent | null>;
  /**
   * Replaces every projection with a state rebuilt from the whole stream up to `position`,
   * handed over one partition of organisations at a time (disjoint shares, see
   * OrganisationPartition); organisations in none of them are removed. Atomic: the
   * projections and their checkpoint change together, or not at all.
   */
  replace(position: bigint, partitions: AsyncIterable<RebuiltPartition>): Promise<ReplacementReport>;
}
