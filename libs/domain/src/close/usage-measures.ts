import { ChargeKind } from '../charges/charge';
import { ChargeUnit } from '../lineage/charge-unit';
import { PriceSchedule, TariffVersion } from '../tariff/tariff';
import { UsageUnits } from '../usage/usage-units';
import { UsageView } from '../usage/usage-view';
import { BillingPeriod } from './billing-period';

/** The charges whose quantity is counted from usage (§2.1, §2.2, §2.4). */
export type UsageKind = Extract<ChargeKind, 'id-registration' | 'monthly-fee' | 'verification'>;

/**
 * What a usage charge counts over a period: one home for its span of days and its counter,
 * read as a count by the close and as units by explain, so the two cannot disagree.
 */
export interface UsageMeasure {
  readonly schedule: (version: TariffVersion) => PriceSchedule;
  count(usage: UsageView, period: BillingPeriod): number;
  units(usage: UsageUnits, period: BillingPeriod): ChargeUnit[];
}

export const USAGE_MEASURES: { readonly [K in UsageKind]: UsageMeasure } = {
  // Distinct IDs newly registered in the month, up to its last billed day (§2.1).
  'id-registration': {
    schedule: (version) => version.idRegistrationFee,
    count: (usage, period) => usage.registrations(period.firstDay, period.lastDay),
    units: (usage, period) => usage.registeredIdsIn(period.firstDay, period.lastDay),
  },
  // IDs active at the last instant of the month's last billed day (§2.2).
  'monthly-fee': {
    schedule: (version) => version.monthlyFee,
    count: (usage, period) => usage.activeAtEndOf(period.lastDay),
    units: (usage, period) => usage.activeIdsAtEndOf(period.lastDay),
  },
  // Verifications by other organisations over the billed days of the year (§2.4).
  verification: {
    schedule: (version) => version.verificationFee,
    count: (usage, period) => usage.verifications(period.firstDay, period.lastDay).counted,
    units: (usage, period) => usage.countedVerificationsIn(period.firstDay, period.lastDay),
  },
};

/** The usage charges a period has: a month's registrations and monthly fee, a year's verifications. */
export function usageKindsOf(period: BillingPeriod): readonly UsageKind[] {
  return period.type === 'year' ? ['verification'] : ['id-registration', 'monthly-fee'];
}
