import { ContractEvent, IssuedCharge, StoredEvent } from '@smartme/domain';
import {
  ChargeFilter,
  IssuedChargeEvent,
  OrganisationRecord,
  ProjectionStore,
  RebuiltPartition,
  RecordedEvent,
  ReplacementReport,
} from '@smartme/ports';
import { reconcileProjections } from './projection-reconciliation';
import { applicationsOf, applicationsProjection } from './projections/applications-projection';
import { chargeEvent, chargeEvents, chargesProjection, issuedChargesOf } from './projections/charges-projection';
import { ProjectedEvent, SqlProjection } from './projections/sql-projection';
import { usageCountersOf, usageProjection } from './projections/usage-projection';
import { SqlClient, SqlExecutor } from './sql-client';

const CHECKPOINT = 'billing';

type BatchProjector = (tx: SqlExecutor, records: readonly RecordedEvent[]) => Promise<void>;

/** Applies the events of a batch that a read model handles, if any, in store order. */
function projectorOf<E extends StoredEvent>(projection: SqlProjection<E>): BatchProjector {
  return async (tx, records) => {
    // A loop, not flatMap: this runs for every event and read model (two arrays an event).
    const handled: ProjectedEvent<E>[] = [];
    for (const { event, position } of records) if (projection.canHandle(event)) handled.push({ event, position });
    if (handled.length > 0) await projection.apply(tx, handled);
  };
}

/** Every read model; each says which event types it handles. */
const READ_MODELS: readonly BatchProjector[] = [
  projectorOf(usageProjection),
  projectorOf(applicationsProjection),
  projectorOf(chargesProjection),
];

/**
 * The projections on PostgreSQL or PGlite: one projection per read model (usage,
 * applications, charges, in projections/), applied to each batch in one transaction with
 * the shared checkpoint, so a crash resumes exactly where the state is.
 */
export class SqlProjections implements ProjectionStore {
  constructor(private readonly client: SqlClient) {}

  async checkpoint(): Promise<bigint> {
    const [row] = await this.client.query<{ position: bigint }>(
      'SELECT position FROM projection_checkpoint WHERE name = $1',
      [CHECKPOINT],
    );
    return row?.position ?? 0n;
  }

  async apply(batch: readonly RecordedEvent[]): Promise<void> {
    if (batch.length === 0) return;
    await this.client.transaction(async (tx) => {
      // Locking the checkpoint makes concurrent projectors take turns; events at or
      // below it were applied by someone else and are skipped.
      const [row] = await tx.query<{ position: bigint }>(
        'SELECT position FROM projection_checkpoint WHERE name = $1 FOR UPDATE',
        [CHECKPOINT],
      );
      const events = batch.filter((record) => record.position > (row?.position ?? 0n));
      if (events.length === 0) return;
      for (const project of READ_MODELS) await project(tx, events);
      await tx.query('UPDATE projection_checkpoint SET position = $2 WHERE name = $1', [
        CHECKPOINT,
        events[events.length - 1]!.position,
      ]);
    });
  }

  async organisationIds(): Promise<string[]> {
    const rows = await this.client.query<{ org_id: string }>(
      'SELECT org_id FROM applications UNION SELECT org_id FROM usage_days UNION SELECT org_id FROM charges ORDER BY org_id',
    );
    return rows.map((row) => row.org_id);
  }

  async contractedOrganisationIds(): Promise<string[]> {
    const rows = await this.client.query<{ org_id: string }>(
      'SELECT DISTINCT org_id FROM applications ORDER BY org_id',
    );
    return rows.map((row) => row.org_id);
  }

  async organisations(orgIds?: readonly string[]): Promise<OrganisationRecord[]> {
    const ids = orgIds ?? (await this.organisationIds());
    const applications = await applicationsOf(this.client, ids);
    const closing = new Set(applications.filter((row) => row.event.type === 'ContractClosed').map((row) => row.org_id));
    const [usage, charges] = await Promise.all([
      usageCountersOf(this.client, ids, (orgId) => closing.has(orgId)),
      issuedChargesOf(this.client, ids),
    ]);
    const records = new Map(
      ids.map((orgId) => [
        orgId,
        { orgId, applications: [] as ContractEvent[], usage: usage.get(orgId)!, issued: [] as IssuedCharge[] },
      ]),
    );
    for (const row of applications) records.get(row.org_id)?.applications.push(row.event);
    for (const { orgId, charge } of charges) records.get(orgId)?.issued.push(charge);
    return [...records.values()];
  }

  charges(filter: ChargeFilter = {}): Promise<IssuedChargeEvent[]> {
    return chargeEvents(this.client, filter);
  }

  charge(chargeId: string): Promise<IssuedChargeEvent | null> {
    return chargeEvent(this.client, chargeId);
  }

  async replace(position: bigint, partitions: AsyncIterable<RebuiltPartition>): Promise<ReplacementReport> {
    return this.client.transaction(async (tx) => {
      // Projectors wait for the checkpoint row: the state and the checkpoint change together.
      await tx.query('SELECT position FROM projection_checkpoint WHERE name = $1 FOR UPDATE', [CHECKPOINT]);
      const differences = await reconcileProjections(tx, partitions);
      await tx.query('UPDATE projection_checkpoint SET position = $2 WHERE name = $1', [CHECKPOINT, position]);
      return { equal: Object.values(differences).every((count) => count === 0), differences };
    });
  }
}
