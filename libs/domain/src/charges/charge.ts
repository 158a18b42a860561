import { BillingEvent } from '../events/billing-event';
import { ChargeLine } from './charge-line';

export type ChargeKind = 'initial-fee' | 'initial-fee-true-up' | 'id-registration' | 'monthly-fee' | 'verification';

/**
 * The account each kind is charged to, in one table (a new kind does not compile until it
 * is placed here): the initial fee and its true-ups are one account that is never
 * refunded (§2.3, §5); usage charges are adjusted both ways. Key order is listing order.
 */
const ACCOUNTS: { readonly [K in ChargeKind]: 'initial-fee' | 'usage' } = {
  'initial-fee': 'initial-fee',
  'initial-fee-true-up': 'initial-fee',
  'id-registration': 'usage',
  'monthly-fee': 'usage',
  verification: 'usage',
};

export const CHARGE_KINDS = Object.keys(ACCOUNTS) as readonly ChargeKind[];

export function isChargeKind(text: string): text is ChargeKind {
  return (CHARGE_KINDS as readonly string[]).includes(text);
}

/** The initial fee and its true-ups are one account that is never refunded (§2.3, §5). */
export function isInitialFeeKind(kind: ChargeKind): boolean {
  return ACCOUNTS[kind] === 'initial-fee';
}

/** A charge as invoicing receives it (interfaces.md §2): for an adjustment, the deltas. */
export interface Charge {
  readonly chargeId: string;
  readonly orgId: string;
  readonly kind: ChargeKind;
  /** `YYYY-MM` for monthly kinds and initial fees, `YYYY` for the verification year. */
  readonly period: string;
  readonly quantity: number;
  readonly amount: number;
  readonly currency: 'JPY';
  readonly tariffVersion: string;
  readonly termsVersion: string;
  readonly revision: number;
  readonly adjusts: string | null;
  readonly lines: readonly ChargeLine[];
}

/**
 * What a close needs to know of a charge already issued: enough to total a period and kind,
 * to link an adjustment to its original and to keep the original's versions; not its lines.
 */
export type IssuedCharge = Pick<
  Charge,
  'chargeId' | 'kind' | 'period' | 'quantity' | 'amount' | 'revision' | 'tariffVersion' | 'termsVersion'
>;

export type ChargeIssued = BillingEvent<'ChargeIssued', Charge>;
export type ChargeAdjusted = BillingEvent<'ChargeAdjusted', Charge>;
export type ChargeEvent = ChargeIssued | ChargeAdjusted;
