import { Contract, HeadcountReport } from '../contract/contract';
import { BasisUnit } from '../lineage/charge-unit';
import { Decimal } from '../money/decimal';
import { initialFeeFor } from '../tariff/pricing';
import { Tariff } from '../tariff/tariff';
import { tariffVersionOn, termsVersionOn } from '../tariff/version-in-force';
import { monthOfDay } from '../time/billing-month';
import { DayNumber } from '../time/jst-date';
import { UsageView } from '../usage/usage-view';
import { Assessment } from './assessment';
import { BillingPeriod } from './billing-period';

/**
 * The initial fee at introduction: the tier of max(declaredMembers, plannedUsers),
 * rated with the version in force on the opening date, in the opening month (§2.3).
 */
export function assessInitialFee(contract: Contract, period: BillingPeriod, tariff: Tariff): Assessment | null {
  const service = contract.idService;
  if (!service || period.month !== monthOfDay(service.openedOn)) return null;
  return requirement('initial-fee', period, service.openedOn, tariff, {
    basis: service.basis,
    source: 'application',
    event: service.eventId,
  });
}

/**
 * The headcount reports a month's true-up assesses: those whose change date falls in it.
 * One dated before the opening date corrects the basis at introduction: it is assessed in
 * the opening month, where billing starts.
 */
export function reportsAssessedIn(contract: Contract, period: BillingPeriod): HeadcountReport[] {
  const service = contract.idService;
  if (!service || period.month === null) return [];
  const openingMonth = monthOfDay(service.openedOn);
  return contract.headcountReports.filter(
    (report) => Math.max(monthOfDay(report.changedOn), openingMonth) === period.month,
  );
}

/**
 * The total initial fee a month requires (§2.3 Decision, one true-up per month): the
 * largest of the tier amounts of its headcount reports, and of its month-end active
 * count when that exceeds the `upTo` of the tier already paid for. Each report is rated
 * with the version in force on its change date, or on the opening date when it corrects
 * the basis at introduction (reportsAssessedIn), like the initial fee.
 */
export function assessTrueUpRequirement(
  contract: Contract,
  period: BillingPeriod,
  usage: UsageView,
  largestBasisCharged: number,
  tariff: Tariff,
): Assessment | null {
  const service = contract.idService;
  if (!service || period.month === null) return null;
  const candidates: Assessment[] = reportsAssessedIn(contract, period).map((report) =>
    requirement('initial-fee-true-up', period, Math.max(report.changedOn, service.openedOn), tariff, {
      basis: report.basis,
      source: 'headcount-report',
      event: report.eventId,
    }),
  );

  const version = tariffVersionOn(tariff, period.lastDay);
  const paidTier = initialFeeFor(version.initialFee.tiers, largestBasisCharged).tier;
  const active = usage.activeAtEndOf(period.lastDay);
  if (paidTier.upTo !== null && active > paidTier.upTo) {
    candidates.push(
      requirement('initial-fee-true-up', period, period.lastDay, tariff, {
        basis: active,
        source: 'active-count',
        event: null,
      }),
    );
  }
  return candidates.reduce<Assessment | null>((best, next) => (best && !isLarger(next, best) ? best : next), null);
}

function isLarger(a: Assessment, b: Assessment): boolean {
  const byAmount = a.exact.comparedTo(b.exact);
  return byAmount > 0 || (byAmount === 0 && a.quantity > b.quantity);
}

/** A required initial-fee total: the tier amount of a basis, which is the one unit it counts. */
function requirement(
  kind: Assessment['kind'],
  period: BillingPeriod,
  ratedOn: DayNumber,
  tariff: Tariff,
  basis: BasisUnit,
): Assessment {
  const version = tariffVersionOn(tariff, ratedOn);
  const { line } = initialFeeFor(version.initialFee.tiers, basis.basis);
  return {
    kind,
    period: period.name,
    quantity: basis.basis,
    lines: basis.basis > 0 ? [line] : [],
    exact: basis.basis > 0 ? new Decimal(line.amount) : new Decimal(0),
    tariffVersion: version.id,
    termsVersion: termsVersionOn(tariff, ratedOn).id,
    counted: () => [basis],
  };
}
