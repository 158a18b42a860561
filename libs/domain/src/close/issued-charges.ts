import { ChargeKind, IssuedCharge, isInitialFeeKind } from '../charges/charge';
import { Decimal, ZERO } from '../money/decimal';

/** What has been issued for one organisation, kind and period: the original plus adjustments. */
export interface IssuedTotal {
  readonly kind: ChargeKind;
  readonly period: string;
  readonly count: number;
  readonly quantity: number;
  readonly amount: Decimal;
  readonly original: IssuedCharge;
}

/**
 * The running record of an organisation's issued charges during a close: it starts
 * from what the store holds and takes each charge the close decides, so later
 * decisions in the same run see earlier ones (a true-up counts the initial fee
 * issued a moment before).
 */
export class IssuedCharges {
  private readonly totals = new Map<string, IssuedTotal>();

  constructor(charges: readonly IssuedCharge[]) {
    for (const charge of [...charges].sort((a, b) => a.revision - b.revision)) this.record(charge);
  }

  record(charge: IssuedCharge): void {
    const key = keyOf(charge.kind, charge.period);
    const total = this.totals.get(key);
    this.totals.set(key, {
      kind: charge.kind,
      period: charge.period,
      count: (total?.count ?? 0) + 1,
      quantity: (total?.quantity ?? 0) + charge.quantity,
      amount: (total?.amount ?? ZERO).plus(charge.amount),
      original: total?.original ?? charge,
    });
  }

  totalFor(kind: ChargeKind, period: string): IssuedTotal | undefined {
    return this.totals.get(keyOf(kind, period));
  }

  all(): IssuedTotal[] {
    return [...this.totals.values()];
  }

  /** Everything charged as initial fee and true-ups, over all periods (§2.3 Decision). */
  initialFeesCharged(): Decimal {
    return this.all()
      .filter((t) => isInitialFeeKind(t.kind))
      .reduce((sum, t) => sum.plus(t.amount), ZERO);
  }

  /** The largest headcount basis an initial fee or true-up has been charged for. */
  largestBasisCharged(): number {
    return Math.max(
      0,
      ...this.all()
        .filter((t) => isInitialFeeKind(t.kind))
        .map((t) => t.quantity),
    );
  }
}

function keyOf(kind: ChargeKind, period: string): string {
  return `${kind}|${period}`;
}
