import { Decimal } from '../money/decimal';
import { Rounding } from '../money/rounding';
import { DayNumber } from '../time/jst-date';

/** One tier of a price schedule: units up to `upTo` (inclusive; null = no limit). */
export interface PriceTier {
  readonly upTo: number | null;
  readonly unitPrice: Decimal;
  readonly flatAmount: Decimal | null;
}

/** Pricing modes as Stripe's tiers work (§4). */
export type PriceSchedule =
  | { readonly mode: 'per-unit'; readonly unitPrice: Decimal }
  | { readonly mode: 'graduated'; readonly tiers: readonly PriceTier[] }
  | { readonly mode: 'volume'; readonly tiers: readonly PriceTier[] };

export type PricingMode = PriceSchedule['mode'];
export const PRICING_MODES: readonly PricingMode[] = ['per-unit', 'graduated', 'volume'];

/** The initial fee (初期費用): a fixed amount per tier of the headcount basis. */
export interface InitialFeeTier {
  readonly upTo: number | null;
  readonly amount: Decimal;
}

export interface TariffVersion {
  readonly id: string;
  readonly effectiveFrom: DayNumber;
  /** Last day in force, inclusive; open-ended versions last until the next one starts. */
  readonly effectiveTo: DayNumber | null;
  readonly initialFee: { readonly tiers: readonly InitialFeeTier[] };
  readonly idRegistrationFee: PriceSchedule;
  readonly monthlyFee: PriceSchedule;
  readonly verificationFee: PriceSchedule;
}

/** A version of the terms of service: what Article 4 admits from its effective date. */
export interface TermsVersion {
  readonly id: string;
  readonly effectiveFrom: DayNumber;
  readonly idServiceRequiresEntryExit: boolean;
  /** Services of Annex 3 (別紙3) through which an ID-service application is admitted. */
  readonly annex3Channels: readonly string[];
}

export interface Tariff {
  readonly currency: 'JPY';
  readonly rounding: Rounding;
  readonly verificationYear: { readonly startMonth: number };
  /** Ascending by `effectiveFrom`, never overlapping (checked when parsed). */
  readonly versions: readonly TariffVersion[];
  readonly terms: readonly TermsVersion[];
}
