import { ChargeEvent, ChargeKind, CloseDecider, Decision, IssuedCharge } from '@smartme/domain';
import { Clock, ExclusiveLock, ProjectionStore } from '@smartme/ports';
import { BillingSettings } from './billing-settings';
import { ChargeIssuance, OrganisationProblem } from './charge-issuance';
import { CLOSE_LOCK } from './close-lock';
import { decideEach } from './close-periods';
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
  /** Organisations that could not be rated, and charges whose id was taken by other content. */
  readonly problems: OrganisationProblem[];
}

/**
 * Recomputes a period from the events and compares it with what was issued for it: the
 * close's own decision as of now, kept to that period, so the differences are exactly
 * the charges the close would issue for it (an initial fee is never refunded, so a lower
 * requirement shows no difference). Without `dryRun` those are issued, by the close's path
 * (ChargeIssuance: conflict check, projections, the outbox relay woken).
 */
export class Recompute {
  constructor(
    private readonly projections: ProjectionStore,
    private readonly projector: Projector,
    private readonly lock: ExclusiveLock,
    private readonly issuance: ChargeIssuance,
    private readonly decider: CloseDecider,
    private readonly clock: Clock,
    private readonly settings: Pick<BillingSettings, 'closeGraceMs'>,
  ) {}

  run(period: string, options: { dryRun: boolean; orgId?: string }): Promise<RecomputeReport> {
    return this.lock.runExclusive(CLOSE_LOCK, async () => {
      await this.projector.catchUp();
      const command = { asOfMs: this.clock.nowMs(), closeGraceMs: this.settings.closeGraceMs };
      const organisations = await this.projections.organisations(options.orgId ? [options.orgId] : undefined);
      const { decided, problems } = decideEach(organisations, (org) => ({
        org,
        decisions: this.decider.decisionsFor(command, org).filter((d) => d.assessment.period === period),
      }));
      const differences = decided.flatMap(({ org, decisions }) => compare(org.orgId, period, org.issued, decisions));
      const charges = decided.flatMap(({ decisions }) => decisions.flatMap((d) => (d.charge ? [d.charge] : [])));
      if (options.dryRun) return { differences, issued: [], problems };
      const stored = await this.issuance.issue(charges);
      return { differences, issued: stored.issued, problems: [...problems, ...stored.problems] };
    });
  }
}

/** Per kind issued or decided: what was issued, and that plus what the close decides now. */
function compare(
  orgId: string,
  period: string,
  issued: readonly IssuedCharge[],
  decisions: readonly Decision[],
): RecomputedCharge[] {
  const ofPeriod = issued.filter((charge) => charge.period === period);
  const kinds = new Set<ChargeKind>([
    ...ofPeriod.map((charge) => charge.kind),
    ...decisions.flatMap((d) => (d.charge ? [d.assessment.kind] : [])),
  ]);
  return [...kinds].sort().map((kind) => {
    const before = sum(ofPeriod.filter((charge) => charge.kind === kind));
    const change = sum(decisions.flatMap((d) => (d.charge && d.assessment.kind === kind ? [d.charge.data] : [])));
    return {
      orgId,
      kind,
      period,
      issuedQuantity: before.quantity,
      issuedAmount: before.amount,
      recomputedQuantity: before.quantity + change.quantity,
      recomputedAmount: before.amount + change.amount,
      quantityDifference: change.quantity,
      amountDifference: change.amount,
    };
  });
}

function sum(charges: readonly { quantity: number; amount: number }[]): { quantity: number; amount: number } {
  return charges.reduce((total, c) => ({ quantity: total.quantity + c.quantity, amount: total.amount + c.amount }), {
    quantity: 0,
    amount: 0,
  });
}
