/**
 * One line of a charge: the units that fell in one tier and what they cost, with
 * exact decimal strings before rounding (interfaces.md §2).
 */
export interface TierLine {
  readonly from: number;
  readonly to: number | null;
  readonly quantity: number;
  readonly unitPrice?: string;
  readonly flatAmount?: string;
  readonly amount: string;
}

/**
 * Whole yen already charged and now taken back into account: what an adjustment
 * reverses, or the initial fees a true-up is reduced by. Carrying it as a line keeps
 * every charge's amount equal to the rounding of the exact sum of its lines.
 */
export interface CreditLine {
  readonly credit: 'previously-issued' | 'initial-fees-charged';
  readonly quantity: number;
  readonly amount: string;
}

export type ChargeLine = TierLine | CreditLine;
