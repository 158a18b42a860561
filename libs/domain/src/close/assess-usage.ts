import { Tariff } from '../tariff/tariff';
import { price } from '../tariff/pricing';
import { tariffVersionOn, termsVersionOn } from '../tariff/version-in-force';
import { UsageView } from '../usage/usage-view';
import { Assessment } from './assessment';
import { BillingPeriod } from './billing-period';

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
      registrations: usage.registrations(period.firstDay, period.lastDay),
      activeAtMonthEnd: usage.activeAtEndOf(period.lastDay),
    };
  }
  const { counted, internal } = usage.verifications(period.firstDay, period.lastDay);
  return { verificationsCounted: counted, verificationsInternal: internal };
}

/**
 * The usage charges of a period, each rated with the version in force on the period's
 * last day (附則 2 Decision): ID registrations and the monthly fee for a month (§2.1,
 * §2.2), verifications for a billing year (§2.4).
 */
export function assessUsage(period: BillingPeriod, usage: UsageView, tariff: Tariff): Assessment[] {
  const version = tariffVersionOn(tariff, period.lastDay);
  const terms = termsVersionOn(tariff, period.lastDay);
  const counters = usageOf(period, usage);
  const assess = (kind: Assessment['kind'], schedule: Parameters<typeof price>[0], quantity: number): Assessment => ({
    kind,
    period: period.name,
    quantity,
    ...price(schedule, quantity),
    tariffVersion: version.id,
    termsVersion: terms.id,
  });
  if (period.type === 'year') {
    return [assess('verification', version.verificationFee, counters.verificationsCounted ?? 0)];
  }
  return [
    assess('id-registration', version.idRegistrationFee, counters.registrations ?? 0),
    assess('monthly-fee', version.monthlyFee, counters.activeAtMonthEnd ?? 0),
  ];
}
