import { ChargeEvent, ChargeKind, IssuedCharge, StoredEvent } from '@smartme/domain';
import { ChargeFilter, IssuedChargeEvent } from '@smartme/ports';
import { SqlExecutor } from '../sql-client';
import { PAGE_OF_ORGANISATIONS, ProjectedEvent, SqlProjection, chunks } from './sql-projection';

/** The `charges` read model: every charge event issued, with its position, by id and by organisation, kind and period. */
export const chargesProjection: SqlProjection<ChargeEvent> = {
  name: 'charges',

  canHandle(event: StoredEvent): event is ChargeEvent {
    switch (event.type) {
      case 'ChargeIssued':
      case 'ChargeAdjusted':
        return true;
      case 'IdRegistered':
      case 'IdRevoked':
      case 'CredentialVerified':
      case 'ContractOpened':
      case 'IdServiceAdded':
      case 'HeadcountChanged':
      case 'ContractClosed':
        return false;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },

  async apply(tx: SqlExecutor, charges: readonly ProjectedEvent<ChargeEvent>[]): Promise<void> {
    for (const chunk of chunks(charges)) {
      await tx.query(
        `INSERT INTO charges (charge_id, org_id, kind, period, revision, position, event)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::jsonb[])
         ON CONFLICT (charge_id) DO NOTHING`,
        [
          chunk.map((c) => c.event.data.chargeId),
          chunk.map((c) => c.event.data.orgId),
          chunk.map((c) => c.event.data.kind),
          chunk.map((c) => c.event.data.period),
          chunk.map((c) => c.event.data.revision),
          chunk.map((c) => c.position.toString()),
          chunk.map((c) => JSON.stringify(c.event)),
        ],
      );
    }
  },
};

/**
 * What the close needs of the charges issued so far, as plain columns: the whole event
 * (its lines above all) would be sent, parsed and dropped for every charge of every month.
 */
const ISSUED_CHARGES = `
  SELECT org_id, charge_id, kind, period, revision,
    event->'data'->>'quantity' AS quantity, event->'data'->>'amount' AS amount,
    event->'data'->>'tariffVersion' AS tariff_version, event->'data'->>'termsVersion' AS terms_version
  FROM charges
  WHERE ${PAGE_OF_ORGANISATIONS}`;

interface IssuedChargeRow {
  readonly org_id: string;
  readonly charge_id: string;
  readonly kind: ChargeKind;
  readonly period: string;
  readonly revision: number;
  readonly quantity: string;
  readonly amount: string;
  readonly tariff_version: string;
  readonly terms_version: string;
}

/** The charges issued to a page of organisations, as the close totals them. */
export async function issuedChargesOf(
  client: SqlExecutor,
  orgIds: readonly string[],
): Promise<{ orgId: string; charge: IssuedCharge }[]> {
  const rows = await client.query<IssuedChargeRow>(ISSUED_CHARGES, [orgIds]);
  return rows.map((row) => ({
    orgId: row.org_id,
    charge: {
      chargeId: row.charge_id,
      kind: row.kind,
      period: row.period,
      revision: row.revision,
      quantity: Number(row.quantity),
      amount: Number(row.amount),
      tariffVersion: row.tariff_version,
      termsVersion: row.terms_version,
    },
  }));
}

/** Charge events in the order they were stored. */
export async function chargeEvents(client: SqlExecutor, filter: ChargeFilter): Promise<IssuedChargeEvent[]> {
  const rows = await client.query<{ position: bigint | string; event: ChargeEvent }>(
    `SELECT position, event FROM charges
      WHERE ($1::text IS NULL OR org_id = $1) AND ($2::text IS NULL OR period = $2) AND ($3::text IS NULL OR kind = $3)
      ORDER BY position`,
    [filter.orgId ?? null, filter.period ?? null, filter.kind ?? null],
  );
  return rows.map((row) => ({ position: BigInt(row.position), event: row.event }));
}

export async function chargeEvent(client: SqlExecutor, chargeId: string): Promise<IssuedChargeEvent | null> {
  const [row] = await client.query<{ position: bigint | string; event: ChargeEvent }>(
    'SELECT position, event FROM charges WHERE charge_id = $1',
    [chargeId],
  );
  return row ? { position: BigInt(row.position), event: row.event } : null;
}
