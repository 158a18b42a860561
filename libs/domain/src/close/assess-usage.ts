import { Tariff } from '../tariff/tariff';
import { price } from '../tariff/pricing';
import { tariffVersionOn, termsVersionOn } from '../tariff/version-in-force';
import { hasUnits } from '../usage/usage-units';
import { UsageView } from '../usage/usage-view';
import { Assessment } from './assessment';
import { BillingPeriod } from './billing-period';
import { USAGE_MEASURES, usageKindsOf } from './usage-measures';

/** The counters behind a period (interfaces.md §3, `usage`). */
export interface PeriodUsage {
  readonly registrations?: number;
  readonly activeAtMonthEnd?: number;
  readonly verificationsCounted?: number;
  readonly verificationsInternal?: number;
}

export function usageOf(period: BillingPeriod, usage: UsageView): PeriodUsage {
  if (period.type === 'month') {
    return {
      registrations: USAGE_MEASURES['id-registration'].count(usage, period),
      activeAtMonthEnd: USAGE_MEASURES['monthly-fee'].count(usage, period),
    };
  }
  return {
    verificationsCounted: USAGE_MEASURES.verification.count(usage, period),
    verificationsInternal: usage.verifications(period.firstDay, period.lastDay).internal,
  };
}

/**
 * The usage charges of a period, each rated with the version in force on the period's
 * last day (附則 2 Decision): ID registrations and the monthly fee for a month (§2.1,
 * §2.2), verifications for a billing year (§2.4).
 */
export function assessUsage(period: BillingPeriod, usage: UsageView, tariff: Tariff): Assessment[] {
  const version = tariffVersionOn(tariff, period.lastDay);
  const terms = termsVersionOn(tariff, period.lastDay);
  return usageKindsOf(period).map((kind): Assessment => {
    const measure = USAGE_MEASURES[kind];
    const quantity = measure.count(usage, period);
    return {
      kind,
      period: period.name,
      quantity,
      ...price(measure.schedule(version), quantity),
      tariffVersion: version.id,
      termsVersion: terms.id,
      counted: () => {
        if (!hasUnits(usage)) throw new Error(`the usage behind ${kind} ${period.name} keeps counts, not units`);
        return measure.units(usage, period);
      },
    };
  });
}
