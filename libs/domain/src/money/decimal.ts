import DecimalJs from 'decimal.js';

/**
 * Exact decimal arithmetic for money. Unit prices may have decimals (§4), so amounts
 * are computed exactly and rounded once per charge; binary floats never touch money.
 * A private clone keeps this configuration from leaking into other users of decimal.js.
 */
export const Decimal = DecimalJs.clone({ precision: 50, toExpNeg: -30, toExpPos: 40 });
export type Decimal = InstanceType<typeof Decimal>;

export const ZERO = new Decimal(0);

/** A plain decimal string without exponent, as charge lines carry them ("600", "0.5"). */
export function decimalString(value: Decimal): string {
  return value.toFixed();
}
