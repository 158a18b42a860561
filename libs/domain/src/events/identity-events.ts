import { BillingEvent } from './billing-event';

export type IdRegistered = BillingEvent<'IdRegistered', { readonly orgId: string; readonly idId: string }>;

export type RevocationReason = 'revoked' | 'expired' | 'deleted';
export const REVOCATION_REASONS: readonly RevocationReason[] = ['revoked', 'expired', 'deleted'];

export type IdRevoked = BillingEvent<
  'IdRevoked',
  { readonly orgId: string; readonly idId: string; readonly reason?: RevocationReason }
>;

/** A credential issued by `holderOrgId` was presented (QR code) and verified by `verifierOrgId`. */
export type CredentialVerified = BillingEvent<
  'CredentialVerified',
  {
    readonly holderOrgId: string;
    readonly holderIdId: string;
    readonly verifierOrgId: string;
    readonly verifierIdId?: string;
  }
>;

export type IdLifecycleEvent = IdRegistered | IdRevoked;
export type IdentityEvent = IdLifecycleEvent | CredentialVerified;
