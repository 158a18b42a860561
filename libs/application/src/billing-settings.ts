import { DEFAULT_CLOSE_GRACE_MS, Tariff } from '@smartme/domain';

/** What the use cases need to know besides the ports. */
export interface BillingSettings {
  readonly tariff: Tariff;
  readonly closeGraceMs: number;
  readonly maxClockSkewMs: number;
}

export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export function billingSettings(
  tariff: Tariff,
  overrides: Partial<Omit<BillingSettings, 'tariff'>> = {},
): BillingSettings {
  return {
    tariff,
    closeGraceMs: overrides.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS,
    maxClockSkewMs: overrides.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS,
  };
}
