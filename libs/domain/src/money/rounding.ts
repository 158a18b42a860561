import { Decimal } from './decimal';

export type Rounding = 'floor' | 'half-up';
export const ROUNDINGS: readonly Rounding[] = ['floor', 'half-up'];

/**
 * Rounds a charge's exact total to whole yen, once (§4).
 * `half-up` rounds halves towards +∞ (not away from zero), so rounding commutes with
 * adding whole yen: round(x − n) = round(x) − n. An adjustment is the recomputed lines
 * minus the whole yen already issued, and this keeps it equal to the difference of
 * the two rounded amounts.
 */
export function roundToYen(exact: Decimal, rounding: Rounding): Decimal {
  return exact.toDecimalPlaces(0, rounding === 'floor' ? Decimal.ROUND_FLOOR : Decimal.ROUND_HALF_CEIL);
}
