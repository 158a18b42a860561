import { ChargeEvent, IssuedCharge, isInitialFeeKind } from '../charges/charge';
import { Contract } from '../contract/contract';
import { ZERO } from '../money/decimal';
import { Tariff } from '../tariff/tariff';
import { formatJst } from '../time/jst';
import { UsageView } from '../usage/usage-view';
import { Assessment } from './assessment';
import { assessInitialFee, assessTrueUpRequirement } from './assess-initial-fee';
import { assessUsage } from './assess-usage';
import { BillingPeriod, BillingWindow, billingWindowOf, isBillable, periodsDueBy } from './billing-period';
import { ChargeContext, reconcile, topUp } from './charge-for';
import { IssuedCharges } from './issued-charges';

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

/**
 * The close as a decision: which charges and adjustments are due for an organisation,
 * given what was issued already. It is idempotent (a second run with nothing new
 * decides nothing), and the same events give the same charges whatever their arrival
 * order, because every figure is recomputed from the usage and compared with what was
 * issued, period by period, in the order the periods close.
 */
export function decideClose(ledger: OrganisationLedger, command: ClosePeriods, tariff: Tariff): ChargeEvent[] {
  const context: ChargeContext = { orgId: ledger.orgId, rounding: tariff.rounding, time: formatJst(command.asOfMs) };
  const issued = new IssuedCharges(ledger.issued);
  const window = billingWindowOf(ledger.contract);
  const decided: ChargeEvent[] = [];
  const take = (event: ChargeEvent | null): void => {
    if (!event) return;
    decided.push(event);
    issued.record(event.data);
  };

  const due = window
    ? periodsDueBy(window, tariff.verificationYear.startMonth, command.asOfMs, command.closeGraceMs)
    : [];
  for (const period of due) {
    for (const charge of closePeriod(ledger, period, issued, tariff, context)) take(charge);
  }
  for (const reversal of reverseOutsideWindow(window, tariff, issued, context)) take(reversal);
  return decided;
}

function* closePeriod(
  ledger: OrganisationLedger,
  period: BillingPeriod,
  issued: IssuedCharges,
  tariff: Tariff,
  context: ChargeContext,
): Generator<ChargeEvent | null> {
  const contract = ledger.contract!;
  const initialFee = assessInitialFee(contract, period, tariff);
  if (initialFee) yield topUpFor(initialFee, issued, context);
  for (const assessment of assessUsage(period, ledger.usage, tariff)) {
    yield reconcile(context, assessment, issued.totalFor(assessment.kind, assessment.period));
  }
  const trueUp = assessTrueUpRequirement(contract, period, ledger.usage, issued.largestBasisCharged(), tariff);
  if (trueUp) yield topUpFor(trueUp, issued, context);
}

function topUpFor(required: Assessment, issued: IssuedCharges, context: ChargeContext): ChargeEvent | null {
  return topUp(context, required, issued.totalFor(required.kind, required.period), issued.initialFeesCharged());
}

/**
 * Charges issued for periods the contract no longer bills (a late closure, or a late
 * application that changed which contract stands) are reversed; the initial fee is
 * never refunded (§5), so its charges stay and count towards what a later initial fee
 * or true-up must still charge.
 */
function reverseOutsideWindow(
  window: BillingWindow | null,
  tariff: Tariff,
  issued: IssuedCharges,
  context: ChargeContext,
): (ChargeEvent | null)[] {
  return issued
    .all()
    .filter(
      (total) => !isInitialFeeKind(total.kind) && !isBillable(window, total.period, tariff.verificationYear.startMonth),
    )
    .map((total) =>
      reconcile(
        context,
        {
          kind: total.kind,
          period: total.period,
          quantity: 0,
          lines: [],
          exact: ZERO,
          tariffVersion: total.original.tariffVersion,
          termsVersion: total.original.termsVersion,
        },
        total,
      ),
    );
}
