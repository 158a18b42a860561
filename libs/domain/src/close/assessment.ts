import { ChargeKind } from '../charges/charge';
import { TierLine } from '../charges/charge-line';
import { ChargeUnit } from '../lineage/charge-unit';
import { Decimal } from '../money/decimal';

/** What a period's charge of one kind comes to, recomputed from the events. */
export interface Assessment {
  readonly kind: ChargeKind;
  readonly period: string;
  readonly quantity: number;
  readonly lines: readonly TierLine[];
  /** The exact sum of `lines`, before the one rounding. */
  readonly exact: Decimal;
  readonly tariffVersion: string;
  readonly termsVersion: string;
  /**
   * What `quantity` counts, unit by unit, as this assessment counted it (explain). Listed on
   * demand: the close never asks, and a usage kept as counters (the projections') cannot say.
   */
  readonly counted: () => readonly ChargeUnit[];
}
