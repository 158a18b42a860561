import { Charge, ChargeEvent } from '@smartme/domain';
import { ChargeOutbox, PendingCharge, positiveInteger } from '@smartme/ports';
import { SqlClient } from './sql-client';

/**
 * Oldest first by store position, served by the partial index `outbox_unpublished`. Rows of
 * a transaction still running are invisible, and an entry that commits late at a lower
 * position is simply picked up by the next call: there is no cursor to move past it.
 */
const PENDING = `
  SELECT o.position, e.event_id, e.type, e.time, e.data
  FROM outbox o JOIN billing_events e ON e.position = o.position
  WHERE o.published_at IS NULL
  ORDER BY o.position
  LIMIT $1`;

const MARK_PUBLISHED =
  'UPDATE outbox SET published_at = now() WHERE charge_id = ANY($1::text[]) AND published_at IS NULL';

const BACKLOG = 'SELECT count(*) AS backlog FROM outbox WHERE published_at IS NULL';

interface PendingRow {
  readonly position: bigint | string;
  readonly event_id: string;
  readonly type: ChargeEvent['type'];
  readonly time: string;
  readonly data: Charge;
}

/** The charge outbox (filled by SqlEventStore.appendCharges) on PostgreSQL or PGlite. */
export class SqlChargeOutbox implements ChargeOutbox {
  constructor(private readonly client: SqlClient) {}

  async pending(limit: number): Promise<PendingCharge[]> {
    positiveInteger(limit, 'limit');
    const rows = await this.client.query<PendingRow>(PENDING, [limit]);
    return rows.map((row) => ({
      position: BigInt(row.position),
      event: { id: row.event_id, type: row.type, time: row.time, data: row.data } as ChargeEvent,
    }));
  }

  async markPublished(chargeIds: readonly string[]): Promise<void> {
    if (chargeIds.length === 0) return;
    await this.client.query(MARK_PUBLISHED, [chargeIds]);
  }

  async backlog(): Promise<number> {
    const [row] = await this.client.query<{ backlog: bigint | string | number }>(BACKLOG);
    // pg returns count(*) as a string, PGlite (with the INT8 parser) as a bigint.
    return Number(row?.backlog ?? 0);
  }
}
