import { Charge, ChargeEvent } from '../charges/charge';
import { chargeIdOf } from '../charges/charge-id';
import { ChargeLine } from '../charges/charge-line';
import { Decimal, decimalString } from '../money/decimal';
import { Rounding, roundToYen } from '../money/rounding';
import { Assessment } from './assessment';
import { IssuedTotal } from './issued-charges';

export interface ChargeContext {
  readonly orgId: string;
  readonly rounding: Rounding;
  /** The CloudEvent time of what this close issues: the instant it runs as of. */
  readonly time: string;
}

/**
 * The charge that brings what was issued for a period and kind in line with its
 * assessment (§5 Decision): nothing when they agree, an ordinary ChargeIssued when
 * nothing was issued before (a zero quantity is never issued), else a ChargeAdjusted for
 * the difference, which credits the previously issued whole yen as a line of its own.
 */
export function reconcile(
  context: ChargeContext,
  assessment: Assessment,
  issued: IssuedTotal | undefined,
): ChargeEvent | null {
  const amount = roundToYen(assessment.exact, context.rounding);
  if (!issued) {
    return assessment.quantity > 0
      ? chargeEvent(context, assessment, assessment.quantity, amount, assessment.lines, null)
      : null;
  }
  if (assessment.quantity === issued.quantity && amount.equals(issued.amount)) return null;
  const credit: ChargeLine = {
    credit: 'previously-issued',
    quantity: -issued.quantity,
    amount: decimalString(issued.amount.negated()),
  };
  return chargeEvent(
    context,
    assessment,
    assessment.quantity - issued.quantity,
    amount.minus(issued.amount),
    [...assessment.lines, credit],
    issued,
  );
}

/**
 * An initial fee or true-up (§2.3): the required total minus everything charged so far
 * as initial fee, when positive. The initial fee is never refunded, so a lower
 * requirement issues nothing.
 */
export function topUp(
  context: ChargeContext,
  required: Assessment,
  issued: IssuedTotal | undefined,
  chargedSoFar: Decimal,
): ChargeEvent | null {
  const amount = roundToYen(required.exact, context.rounding).minus(chargedSoFar);
  if (required.quantity <= 0 || amount.lte(0)) return null;
  const lines: readonly ChargeLine[] = chargedSoFar.isZero()
    ? required.lines
    : [
        ...required.lines,
        { credit: 'initial-fees-charged', quantity: 0, amount: decimalString(chargedSoFar.negated()) },
      ];
  return chargeEvent(context, required, required.quantity - (issued?.quantity ?? 0), amount, lines, issued ?? null);
}

function chargeEvent(
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
