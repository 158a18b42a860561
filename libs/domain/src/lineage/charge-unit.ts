/**
 * What a charge's quantity counts, unit by unit, as the decision counted it
 * (interfaces.md §3, `explain`). Events are named by their event id.
 */

/** An ID counted by a monthly fee (the registration that made it active) or a registration fee (the registration counted). */
export interface IdUnit {
  readonly idId: string;
  readonly event: string;
}

/** A verification of one of the organisation's credentials by another organisation. */
export interface VerificationUnit {
  readonly event: string;
  readonly verifierOrgId: string;
}

/** Where an initial fee's or true-up's basis came from. */
export type BasisSource = 'application' | 'headcount-report' | 'active-count';

/**
 * The basis of an initial fee or true-up: the application's headcount, a headcount report's,
 * or the month-end active count (over the paid tier's limit; no single event made it, so
 * `event` is null and the month's monthly fee lists the IDs).
 */
export interface BasisUnit {
  readonly basis: number;
  readonly source: BasisSource;
  readonly event: string | null;
}

export type ChargeUnit = IdUnit | VerificationUnit | BasisUnit;
