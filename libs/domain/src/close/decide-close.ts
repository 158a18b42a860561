import { ChargeEvent, IssuedCharge, isInitialFeeKind } from '../charges/charge';
import { Contract } from '../contract/contract';
import { ZERO } from '../money/decimal';
import { Tariff } from '../tariff/tariff';
import { formatJst } from '../time/jst';
import { UsageView } from '../usage/usage-view';
import { Assessment } from './assessment';
import { assessInitialFee, assessTrueUpRequirement } from './assess-initial-fee';
import { assessUsage } from './assess-usage';
import { BillingPeriod, billingWindowOf, isBillable, periodsDueBy } from './billing-period';
import { ChargeContext } from './charge-context';
import { IssuedCharges, IssuedTotal } from './issued-charges';
import { reconcile } from './reconcile';
import { topUp } from './top-up';

/** Close every period that is due at `asOfMs` (its end plus `closeGraceMs`, §5). */
export interface ClosePeriods {
  readonly asOfMs: number;
  readonly closeGraceMs: number;
}

export const DEFAULT_CLOSE_GRACE_MS = 60 * 60 * 1000;

/** What the close knows of one organisation. */
export interface OrganisationLedger {
  readonly orgId: string;
  readonly contract: Contract | null;
  readonly usage: UsageView;
  /** Every charge issued so far (ChargeIssued and ChargeAdjusted data). */
  readonly issued: readonly IssuedCharge[];
}

/** One assessment of a close and the charge it led to (null when what was issued already agrees). */
export interface Decision {
  readonly assessment: Assessment;
  readonly charge: ChargeEvent | null;
}

/**
 * The close as a decision: which charges and adjustments are due for an organisation,
 * given what was issued already. It is idempotent (a second run with nothing new
 * decides nothing), and the same events give the same charges whatever their arrival
 * order, because every figure is recomputed from the usage and compared with what was
 * issued, period by period, in the order the periods close.
 */
export function decideClose(ledger: OrganisationLedger, command: ClosePeriods, tariff: Tariff): ChargeEvent[] {
  return closeDecisions(ledger, command, tariff).flatMap((decision) => (decision.charge ? [decision.charge] : []));
}

/**
 * Every assessment the close makes for an organisation, in the order it makes them, each
 * with the charge it decided: the charges are decideClose's, the assessments say what they
 * counted (explain asks this, so it can never tell another story than the decision).
 */
export function closeDecisions(ledger: OrganisationLedger, command: ClosePeriods, tariff: Tariff): Decision[] {
  const context: ChargeContext = { orgId: ledger.orgId, rounding: tariff.rounding, time: formatJst(command.asOfMs) };
  const issued = new IssuedCharges(ledger.issued);
  const window = billingWindowOf(ledger.contract);
  const decisions: Decision[] = [];
  // Each charge is taken into the record at once: later decisions of the run see it.
  const decide = (assessment: Assessment, charge: ChargeEvent | null): void => {
    decisions.push({ assessment, charge });
    if (charge) issued.record(charge.data);
  };

  const due = window
    ? periodsDueBy(window, tariff.verificationYear.startMonth, command.asOfMs, command.closeGraceMs)
    : [];
  for (const period of due) closePeriod(ledger, period, issued, tariff, context, decide);
  for (const total of issued.all()) {
    // Charges issued for periods the contract no longer bills (a late closure, or a late
    // application that changed which contract stands) are reversed; the initial fee is
    // never refunded (§5), so its charges stay and count towards what a later initial fee
    // or true-up must still charge.
    if (isInitialFeeKind(total.kind) || isBillable(window, total.period, tariff.verificationYear.startMonth)) continue;
    const nothing = nothingDue(total);
    decide(nothing, reconcile(context, nothing, total));
  }
  return decisions;
}

/** A period's initial fee, usage charges and true-up, in that order (a true-up counts the initial fee just issued). */
function closePeriod(
  ledger: OrganisationLedger,
  period: BillingPeriod,
  issued: IssuedCharges,
  tariff: Tariff,
  context: ChargeContext,
  decide: (assessment: Assessment, charge: ChargeEvent | null) => void,
): void {
  const contract = ledger.contract!;
  const topUpTo = (required: Assessment) =>
    decide(
      required,
      topUp(context, required, issued.totalFor(required.kind, required.period), issued.initialFeesCharged()),
    );
  const initialFee = assessInitialFee(contract, period, tariff);
  if (initialFee) topUpTo(initialFee);
  for (const assessment of assessUsage(period, ledger.usage, tariff)) {
    decide(assessment, reconcile(context, assessment, issued.totalFor(assessment.kind, assessment.period)));
  }
  const trueUp = assessTrueUpRequirement(contract, period, ledger.usage, issued.largestBasisCharged(), tariff);
  if (trueUp) topUpTo(trueUp);
}

/** A period the contract no longer bills comes to nothing, in the versions of what was issued for it. */
function nothingDue(total: IssuedTotal): Assessment {
  return {
    kind: total.kind,
    period: total.period,
    quantity: 0,
    lines: [],
    exact: ZERO,
    tariffVersion: total.original.tariffVersion,
    termsVersion: total.original.termsVersion,
    counted: () => [],
  };
}
