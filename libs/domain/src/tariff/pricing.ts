import { TierLine } from '../charges/charge-line';
import { Decimal, ZERO, decimalString } from '../money/decimal';
import { InitialFeeTier, PriceSchedule, PriceTier } from './tariff';

/** A quantity priced by a schedule: the tier lines and their exact sum, not yet rounded. */
export interface Pricing {
  readonly lines: readonly TierLine[];
  readonly exact: Decimal;
}

export function price(schedule: PriceSchedule, quantity: number): Pricing {
  const lines = quantity <= 0 ? [] : linesFor(schedule, quantity);
  return { lines, exact: lines.reduce((sum, line) => sum.plus(line.amount), ZERO) };
}

function linesFor(schedule: PriceSchedule, quantity: number): TierLine[] {
  switch (schedule.mode) {
    case 'per-unit':
      return [tierLine({ upTo: null, unitPrice: schedule.unitPrice, flatAmount: null }, 1, quantity)];
    case 'graduated':
      return graduated(schedule.tiers, quantity);
    case 'volume':
      return [volume(schedule.tiers, quantity)];
  }
}

/** Each tier's units at that tier's price, plus the flat amount of every tier reached. */
function graduated(tiers: readonly PriceTier[], quantity: number): TierLine[] {
  const lines: TierLine[] = [];
  let below = 0;
  for (const tier of tiers) {
    const ceiling = tier.upTo ?? Infinity;
    const units = Math.min(quantity, ceiling) - below;
    if (units > 0) lines.push(tierLine(tier, below + 1, units));
    if (quantity <= ceiling) break;
    below = ceiling;
  }
  return lines;
}

/** Every unit at the price of the tier the total falls in, plus that tier's flat amount. */
function volume(tiers: readonly PriceTier[], quantity: number): TierLine {
  let below = 0;
  for (const tier of tiers) {
    if (tier.upTo === null || quantity <= tier.upTo) return tierLine(tier, below + 1, quantity);
    below = tier.upTo;
  }
  throw new Error('tariff has no unlimited last tier'); // parseTariff rules this out
}

function tierLine(tier: PriceTier, from: number, units: number): TierLine {
  const flat = tier.flatAmount ?? ZERO;
  const amount = tier.unitPrice.times(units).plus(flat);
  return {
    from,
    to: tier.upTo,
    quantity: units,
    unitPrice: decimalString(tier.unitPrice),
    ...(tier.flatAmount !== null ? { flatAmount: decimalString(flat) } : {}),
    amount: decimalString(amount),
  };
}

/** The initial-fee tier a headcount basis falls in, as a line of its fixed amount. */
export function initialFeeFor(
  tiers: readonly InitialFeeTier[],
  basis: number,
): { line: TierLine; tier: InitialFeeTier } {
  let below = 0;
  for (const tier of tiers) {
    if (tier.upTo === null || basis <= tier.upTo) {
      return { tier, line: { from: below + 1, to: tier.upTo, quantity: basis, amount: decimalString(tier.amount) } };
    }
    below = tier.upTo;
  }
  throw new Error('tariff has no unlimited last initial-fee tier'); // parseTariff rules this out
}
