import {
  ChargeEvent,
  ChargeKind,
  ContractEvent,
  DailyCounters,
  IdLifecycleEvent,
  IdTimeline,
  IssuedCharge,
  MonthlyCounters,
  OrganisationUsage,
  StoredEvent,
  applicationSortKey,
  billedOrganisation,
} from '@smartme/domain';
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
import { SqlClient, SqlExecutor } from './sql-client';

const CHECKPOINT = 'billing';

type UsageRow = {
  org_id: string;
  day: number;
  registrations: number;
  active_change: number;
  verifications_counted: number;
  verifications_internal: number;
};

const USAGE_COUNTERS = 'registrations, active_change, verifications_counted, verifications_internal';

/**
 * The rows of a page of organisations (`$1`, consecutive ids): bounded by the page's
 * first and last id, so the planner reads the (org_id, …) index over that range; with
 * `= ANY` alone it misjudged the share and scanned the whole table for every page (at
 * 10M events, 20 pages × 1.5M rows of usage_days).
 */
const PAGE_OF_ORGANISATIONS = `
  org_id BETWEEN (SELECT min(wanted) FROM unnest($1::text[]) AS wanted) AND (SELECT max(wanted) FROM unnest($1::text[]) AS wanted)
  AND org_id = ANY($1::text[])`;

/**
 * An organisation's counters summed per month (keyed by the month's first day): the
 * database adds up a month of days, the service reads one row instead of thirty.
 */
const USAGE_BY_MONTH = `
  SELECT org_id, day - extract(day FROM date '1970-01-01' + day)::int + 1 AS day,
    sum(registrations)::int AS registrations, sum(active_change)::int AS active_change,
    sum(verifications_counted)::int AS verifications_counted, sum(verifications_internal)::int AS verifications_internal
  FROM usage_days
  WHERE ${PAGE_OF_ORGANISATIONS}
  GROUP BY 1, 2`;

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

const WRITE_BATCH = 5000;

/**
 * The projections on PostgreSQL or PGlite. A batch is applied in one transaction with
 * the checkpoint: ID timelines touched by the batch are loaded, the domain's evolvers
 * place each event and yield the change of the daily counters, and only those changes
 * are written back, so a batch costs a handful of round trips whatever its history.
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
      await this.applyUsage(
        tx,
        events.map((record) => record.event),
      );
      await writeApplications(
        tx,
        events.flatMap(({ event }) => (isApplication(event) ? [event] : [])),
      );
      await writeCharges(
        tx,
        events.flatMap(({ event, position }) => (isCharge(event) ? [{ event, position }] : [])),
      );
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
    const filter = `WHERE ${PAGE_OF_ORGANISATIONS}`;
    const applications = await this.client.query<{ org_id: string; event: ContractEvent }>(
      `SELECT org_id, event FROM applications ${filter} ORDER BY org_id, sort_key`,
      [ids],
    );
    const closing = new Set(applications.filter((row) => row.event.type === 'ContractClosed').map((row) => row.org_id));
    const [days, months, charges] = await Promise.all([
      this.client.query<UsageRow>(`SELECT org_id, day, ${USAGE_COUNTERS} FROM usage_days ${filter}`, [
        ids.filter((id) => closing.has(id)),
      ]),
      this.client.query<UsageRow>(USAGE_BY_MONTH, [ids.filter((id) => !closing.has(id))]),
      this.client.query<IssuedChargeRow>(ISSUED_CHARGES, [ids]),
    ]);
    const records = new Map<
      string,
      { orgId: string; applications: ContractEvent[]; usage: DailyCounters | MonthlyCounters; issued: IssuedCharge[] }
    >(
      ids.map((orgId) => [
        orgId,
        {
          orgId,
          applications: [],
          usage: closing.has(orgId) ? new DailyCounters() : new MonthlyCounters(),
          issued: [],
        },
      ]),
    );
    for (const row of applications) records.get(row.org_id)?.applications.push(row.event);
    for (const row of [...days, ...months]) {
      const usage = records.get(row.org_id)?.usage;
      usage?.add(row.day, 'registrations', row.registrations);
      usage?.add(row.day, 'activeChange', row.active_change);
      usage?.add(row.day, 'verificationsCounted', row.verifications_counted);
      usage?.add(row.day, 'verificationsInternal', row.verifications_internal);
    }
    for (const row of charges) {
      records.get(row.org_id)?.issued.push({
        chargeId: row.charge_id,
        kind: row.kind,
        period: row.period,
        revision: row.revision,
        quantity: Number(row.quantity),
        amount: Number(row.amount),
        tariffVersion: row.tariff_version,
        termsVersion: row.terms_version,
      });
    }
    return [...records.values()];
  }

  async charges(filter: ChargeFilter = {}): Promise<IssuedChargeEvent[]> {
    const rows = await this.client.query<{ position: bigint; event: ChargeEvent }>(
      `SELECT position, event FROM charges
        WHERE ($1::text IS NULL OR org_id = $1) AND ($2::text IS NULL OR period = $2) AND ($3::text IS NULL OR kind = $3)
        ORDER BY position`,
      [filter.orgId ?? null, filter.period ?? null, filter.kind ?? null],
    );
    return rows.map((row) => ({ position: row.position, event: row.event }));
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

  private async applyUsage(tx: SqlExecutor, events: readonly StoredEvent[]): Promise<void> {
    const lifecycle = events.filter(
      (event): event is IdLifecycleEvent => event.type === 'IdRegistered' || event.type === 'IdRevoked',
    );
    if (lifecycle.length === 0 && !events.some((event) => event.type === 'CredentialVerified')) return;
    // Working sets: the touched IDs' stored timelines, and counters that collect only the changes.
    const usages = await loadTimelines(tx, lifecycle);
    for (const event of events) {
      if (event.type === 'IdRegistered' || event.type === 'IdRevoked')
        usageOf(usages, event.data.orgId).applyLifecycle(event);
      else if (event.type === 'CredentialVerified') usageOf(usages, event.data.holderOrgId).applyVerification(event);
    }
    await writeTimelines(
      tx,
      [...usages].flatMap(([orgId, usage]) => usage.flush().map(([idId, timeline]) => ({ orgId, idId, timeline }))),
    );
    await addUsageDays(tx, usages);
  }
}

function isApplication(event: StoredEvent): event is ContractEvent {
  return (
    event.type === 'ContractOpened' ||
    event.type === 'IdServiceAdded' ||
    event.type === 'HeadcountChanged' ||
    event.type === 'ContractClosed'
  );
}

function isCharge(event: StoredEvent): event is ChargeEvent {
  return event.type === 'ChargeIssued' || event.type === 'ChargeAdjusted';
}

const timelineKey = (orgId: string, idId: string) => `${orgId}\u0000${idId}`;

async function loadTimelines(
  tx: SqlExecutor,
  events: readonly IdLifecycleEvent[],
): Promise<Map<string, OrganisationUsage>> {
  const usages = new Map<string, OrganisationUsage>();
  if (events.length === 0) return usages;
  const keys = new Map(events.map((event) => [timelineKey(event.data.orgId, event.data.idId), event.data]));
  const rows = await tx.query<{ org_id: string; id_id: string; timeline: IdTimeline }>(
    `SELECT t.org_id, t.id_id, t.timeline FROM id_timelines t
       JOIN unnest($1::text[], $2::text[]) AS k(org_id, id_id) ON t.org_id = k.org_id AND t.id_id = k.id_id`,
    [[...keys.values()].map((k) => k.orgId), [...keys.values()].map((k) => k.idId)],
  );
  for (const row of rows) usageOf(usages, row.org_id).restoreTimeline(row.id_id, row.timeline);
  return usages;
}

/** The store keeps each event id once, so the working sets need not recognise redeliveries. */
function usageOf(usages: Map<string, OrganisationUsage>, orgId: string): OrganisationUsage {
  let usage = usages.get(orgId);
  if (!usage) usages.set(orgId, (usage = new OrganisationUsage({ deduplicate: false })));
  return usage;
}

async function writeTimelines(
  tx: SqlExecutor,
  rows: readonly { orgId: string; idId: string; timeline: IdTimeline }[],
): Promise<void> {
  for (const chunk of chunks(rows)) {
    await tx.query(
      `INSERT INTO id_timelines (org_id, id_id, timeline)
       SELECT o, i, t FROM jsonb_to_recordset($1::jsonb) AS (o text, i text, t jsonb)
       ON CONFLICT (org_id, id_id) DO UPDATE SET timeline = EXCLUDED.timeline`,
      [JSON.stringify(chunk.map((r) => ({ o: r.orgId, i: r.idId, t: r.timeline })))],
    );
  }
}

/** Adds counter deltas to the stored days; days whose counters all come back to zero are not kept. */
async function addUsageDays(tx: SqlExecutor, usages: ReadonlyMap<string, OrganisationUsage>): Promise<void> {
  const rows = [...usages].flatMap(([orgId, usage]) =>
    usage
      .view()
      .entries()
      .filter(([, c]) => c.registrations || c.activeChange || c.verificationsCounted || c.verificationsInternal)
      .map(
        ([day, c]) =>
          [orgId, day, c.registrations, c.activeChange, c.verificationsCounted, c.verificationsInternal] as const,
      ),
  );
  for (const chunk of chunks(rows)) {
    await tx.query(
      `INSERT INTO usage_days AS u (org_id, day, registrations, active_change, verifications_counted, verifications_internal)
       SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[])
       ON CONFLICT (org_id, day) DO UPDATE SET
         registrations = u.registrations + EXCLUDED.registrations,
         active_change = u.active_change + EXCLUDED.active_change,
         verifications_counted = u.verifications_counted + EXCLUDED.verifications_counted,
         verifications_internal = u.verifications_internal + EXCLUDED.verifications_internal`,
      [0, 1, 2, 3, 4, 5].map((column) => chunk.map((row) => row[column])),
    );
  }
  // Only the days this batch touched can have come back to zero.
  for (const chunk of chunks(rows)) {
    await tx.query(
      `DELETE FROM usage_days u USING unnest($1::text[], $2::int[]) AS k (org_id, day)
       WHERE u.org_id = k.org_id AND u.day = k.day
         AND u.registrations = 0 AND u.active_change = 0 AND u.verifications_counted = 0 AND u.verifications_internal = 0`,
      [chunk.map((row) => row[0]), chunk.map((row) => row[1])],
    );
  }
}

async function writeApplications(tx: SqlExecutor, applications: readonly ContractEvent[]): Promise<void> {
  for (const chunk of chunks(applications)) {
    await tx.query(
      `INSERT INTO applications (event_id, org_id, sort_key, event)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) ON CONFLICT (event_id) DO NOTHING`,
      [
        chunk.map((e) => e.id),
        chunk.map((e) => billedOrganisation(e)),
        chunk.map(applicationSortKey),
        chunk.map((e) => JSON.stringify(e)),
      ],
    );
  }
}

async function writeCharges(tx: SqlExecutor, charges: readonly IssuedChargeEvent[]): Promise<void> {
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
}

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += WRITE_BATCH) result.push(items.slice(i, i + WRITE_BATCH));
  return result;
}
