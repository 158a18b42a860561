import { ContractEvent } from '../events/contract-events';

export type RejectionReason =
  'ID_SERVICE_REQUIRES_ENTRY_EXIT' | 'NO_SERVICE_SELECTED' | 'DUPLICATE_CONTRACT' | 'UNKNOWN_ORG';

/** How one application was judged (interfaces.md §3, `contracts`). */
export interface ApplicationDecision {
  readonly eventId: string;
  readonly orgId: string;
  readonly type: ContractEvent['type'];
  /** The application's own date: appliedOn, or changedOn / closedOn for reports. */
  readonly appliedOn: string;
  readonly status: 'accepted' | 'rejected';
  readonly reason: RejectionReason | null;
  readonly termsVersion: string;
}
