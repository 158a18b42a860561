import { ChargeEvent } from '../charges/charge';
import { ChargeLine } from '../charges/charge-line';
import { decimalString } from '../money/decimal';
import { roundToYen } from '../money/rounding';
import { Assessment } from './assessment';
import { ChargeContext, chargeEventOf } from './charge-context';
import { IssuedTotal } from './issued-charges';

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
      ? chargeEventOf(context, assessment, assessment.quantity, amount, assessment.lines, null)
      : null;
  }
  if (assessment.quantity === issued.quantity && amount.equals(issued.amount)) return null;
  const credit: ChargeLine = {
    credit: 'previously-issued',
    quantity: -issued.quantity,
    amount: decimalString(issued.amount.negated()),
  };
  return chargeEventOf(
    context,
    assessment,
    assessment.quantity - issued.quantity,
    amount.minus(issued.amount),
    [...assessment.lines, credit],
    issued,
  );
}
