import { ChargeEvent } from '../charges/charge';
import { ChargeLine } from '../charges/charge-line';
import { Decimal, decimalString } from '../money/decimal';
import { roundToYen } from '../money/rounding';
import { Assessment } from './assessment';
import { ChargeContext, chargeEventOf } from './charge-context';
import { IssuedTotal } from './issued-charges';

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
  return chargeEventOf(context, required, required.quantity - (issued?.quantity ?? 0), amount, lines, issued ?? null);
}
