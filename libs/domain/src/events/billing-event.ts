/**
 * The shape every event has in the store, whatever its source: a CloudEvent reduced to
 * what billing needs. `id` is the producer's idempotency key; `time` is the RFC 3339
 * event time as sent (all period attribution uses it, never arrival time).
 */
export interface BillingEvent<Type extends string, Data> {
  readonly id: string;
  readonly type: Type;
  readonly time: string;
  readonly data: Data;
}
