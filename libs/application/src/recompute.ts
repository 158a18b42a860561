import { ChargeEvent, ChargeKind, decideClose, organisationLedger } from '@smartme/domain';
import { Clock, EventStore, ExclusiveLock, ProjectionStore } from '@smartme/ports';
import { BillingSettings } from './billing-settings';
import { CHARGE_SOURCE } from './charge-cloud-event';
import { Projector } from './projector';

/** One organisation's charge kind in a period: issued so far against a recomputation from the events. */
export interface RecomputedCharge {
  readonly orgId: string;
  readonly kind: ChargeKind;
  readonly period: string;
  readonly issuedQuantity: number;
  readonly issuedAmount: number;
  readonly recomputedQuantity: number;
  readonly recomputedAmount: number;
  readonly quantityDifference: number;
  readonly amountDifference: number;
}

export interface RecomputeReport {
  readonly differences: RecomputedCharge[];
  /** The adjustments stored (empty on a dry run). */
  readonly issued: ChargeEvent[];
}

/**
 * Recomputes a period from scratch (no charges known) and compares with what was
 * issued for it. Without `dryRun` it then issues the adjustments the close would issue
 * for that period now. The initial fee is never refunded, so its recomputation may be
 * lower than what stays issued.
 */
export class Recompute {
  constructor(
    private readonly events: EventStore,
    private readonly projections: ProjectionStore,
    private readonly projector: Projector,
    private readonly lock: ExclusiveLock,
    private readonly clock: Clock,
    private readonly settings: BillingSettings,
  ) {}

  run(period: string, options: { dryRun: boolean; orgId?: string }): Promise<RecomputeReport> {
    return this.lock.runExclusive('close', async () => {
      await this.projector.catchUp();
      const { tariff, closeGraceMs } = this.settings;
      const command = { asOfMs: this.clock.nowMs(), closeGraceMs };
      const organisations = await this.projections.organisations(options.orgId ? [options.orgId] : undefined);
      const differences: RecomputedCharge[] = [];
      const issued: ChargeEvent[] = [];
      for (const org of organisations) {
        const fresh = decideClose(organisationLedger({ ...org, issued: [] }, tariff), command, tariff).filter(
          (e) => e.data.period === period,
        );
        differences.push(
          ...compare(
            org.orgId,
            period,
            org.issued,
            fresh.map((e) => e.data),
          ),
        );
        if (!options.dryRun) {
          issued.push(
            ...decideClose(organisationLedger(org, tariff), command, tariff).filter((e) => e.data.period === period),
          );
        }
      }
      if (issued.length > 0) {
        await this.events.appendCharges(issued.map((event) => ({ event, source: CHARGE_SOURCE })));
        await this.projector.catchUp();
      }
      return { differences, issued };
    });
  }
}

function compare(
  orgId: string,
  period: string,
  issued: readonly { kind: ChargeKind; period: string; quantity: number; amount: number }[],
  recomputed: readonly { kind: ChargeKind; quantity: number; amount: number }[],
): RecomputedCharge[] {
  const kinds = new Set<ChargeKind>([
    ...issued.filter((c) => c.period === period).map((c) => c.kind),
    ...recomputed.map((c) => c.kind),
  ]);
  return [...kinds].sort().map((kind) => {
    const sum = (charges: readonly { kind: ChargeKind; quantity: number; amount: number }[]) =>
      charges
        .filter((c) => c.kind === kind)
        .reduce((total, c) => ({ quantity: total.quantity + c.quantity, amount: total.amount + c.amount }), {
          quantity: 0,
          amount: 0,
        });
    const before = sum(issued.filter((c) => c.period === period));
    const after = sum(recomputed);
    return {
      orgId,
      kind,
      period,
      issuedQuantity: before.quantity,
      issuedAmount: before.amount,
      recomputedQuantity: after.quantity,
      recomputedAmount: after.amount,
      quantityDifference: after.quantity - before.quantity,
      amountDifference: after.amount - before.amount,
    };
  });
}
