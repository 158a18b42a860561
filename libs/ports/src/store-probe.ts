/**
 * Whether the stores answer at all (a round trip, nothing more). Tells an outage, which
 * must pause intake, from an input the store refuses, which must not.
 */
export type StoreProbe = () => Promise<boolean>;
