import { v5 as uuidv5 } from 'uuid';
import { ChargeKind } from './charge';

/**
 * The namespace of charge ids. Fixed forever: invoicing deduplicates on these ids, and
 * a replay must reproduce them bit for bit.
 */
export const CHARGE_ID_NAMESPACE = '6f1c7a52-3f0e-5b8a-9d47-2c5e8b1a9f30';

/** UUIDv5 of `orgId|kind|period|revision` (interfaces.md §2). */
export function chargeIdOf(orgId: string, kind: ChargeKind, period: string, revision: number): string {
  return uuidv5(`${orgId}|${kind}|${period}|${revision}`, CHARGE_ID_NAMESPACE);
}
