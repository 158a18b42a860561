import { Charge, ChargeEvent } from '../charges/charge';
import { chargeIdOf } from '../charges/charge-id';
import { ChargeLine } from '../charges/charge-line';
import { Decimal } from '../money/decimal';
import { Rounding } from '../money/rounding';
import { Assessment } from './assessment';
import { IssuedTotal } from './issued-charges';

/** What every charge of one organisation's close shares. */
export interface ChargeContext {
  readonly orgId: string;
  readonly rounding: Rounding;
  /** The CloudEvent time of what this close issues: the instant it runs as of. */
  readonly time: string;
}

/**
 * The charge event for an assessment: a ChargeIssued (revision 0) when nothing was issued
 * for its kind and period yet, else a ChargeAdjusted linked to the original, numbered by
 * how many were issued before (§5 Decision), with a deterministic id.
 */
export function chargeEventOf(
  context: ChargeContext,
  assessment: Assessment,
  quantity: number,
  amount: Decimal,
  lines: readonly ChargeLine[],
  issued: IssuedTotal | null,
): ChargeEvent {
  const revision = issued?.count ?? 0;
  const charge: Charge = {
    chargeId: chargeIdOf(context.orgId, assessment.kind, assessment.period, revision),
    orgId: context.orgId,
    kind: assessment.kind,
    period: assessment.period,
    quantity,
    amount: amount.toNumber(),
    currency: 'JPY',
    tariffVersion: assessment.tariffVersion,
    termsVersion: assessment.termsVersion,
    revision,
    adjusts: issued ? issued.original.chargeId : null,
    lines,
  };
  return { type: issued ? 'ChargeAdjusted' : 'ChargeIssued', id: charge.chargeId, time: context.time, data: charge };
}
