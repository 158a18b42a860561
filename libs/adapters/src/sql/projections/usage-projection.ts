import {
  CredentialVerified,
  DailyCounters,
  IdLifecycleEvent,
  IdTimeline,
  MonthlyCounters,
  OrganisationUsage,
  StoredEvent,
  organisationOf,
} from '@smartme/domain';
import { SqlExecutor } from '../sql-client';
import { PAGE_OF_ORGANISATIONS, ProjectedEvent, SqlProjection, chunks } from './sql-projection';

export type UsageEvent = IdLifecycleEvent | CredentialVerified;

/**
 * The usage read model: `id_timelines` (each ID's ordered lifecycle, so a late event can be
 * placed and its counters corrected) and `usage_days` (the domain's DailyCounters per
 * organisation and JST day). A batch loads the timelines it touches, the domain places each
 * event and yields the change of the counters, and only those changes are written back, so
 * a batch costs a handful of round trips whatever its history.
 */
export const usageProjection: SqlProjection<UsageEvent> = {
  name: 'usage',

  canHandle(event: StoredEvent): event is UsageEvent {
    switch (event.type) {
      case 'IdRegistered':
      case 'IdRevoked':
      case 'CredentialVerified':
        return true;
      case 'ContractOpened':
      case 'IdServiceAdded':
      case 'HeadcountChanged':
      case 'ContractClosed':
      case 'ChargeIssued':
      case 'ChargeAdjusted':
        return false;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },

  async apply(tx: SqlExecutor, events: readonly ProjectedEvent<UsageEvent>[]): Promise<void> {
    // Working sets: the touched IDs' stored timelines, and counters that collect only the changes.
    const usages = await loadTimelines(tx, events);
    for (const { event } of events) {
      const usage = usageOf(usages, organisationOf(event));
      if (event.type === 'CredentialVerified') usage.applyVerification(event);
      else usage.applyLifecycle(event);
    }
    await writeTimelines(
      tx,
      [...usages].flatMap(([orgId, usage]) => usage.flush().map(([idId, timeline]) => ({ orgId, idId, timeline }))),
    );
    await addUsageDays(tx, usages);
  },
};

const timelineKey = (orgId: string, idId: string) => `${orgId}\u0000${idId}`;

async function loadTimelines(
  tx: SqlExecutor,
  events: readonly ProjectedEvent<UsageEvent>[],
): Promise<Map<string, OrganisationUsage>> {
  const usages = new Map<string, OrganisationUsage>();
  const keys = new Map<string, { orgId: string; idId: string }>();
  for (const { event } of events) {
    if (event.type !== 'CredentialVerified') keys.set(timelineKey(event.data.orgId, event.data.idId), event.data);
  }
  if (keys.size === 0) return usages;
  // The keys as one JSON document, like every batch this store sends: text arrays are
  // escaped by the driver element by element.
  const rows = await tx.query<{ org_id: string; id_id: string; timeline: IdTimeline }>(
    `SELECT t.org_id, t.id_id, t.timeline FROM id_timelines t
       JOIN jsonb_to_recordset($1::jsonb) AS k(o text, i text) ON t.org_id = k.o AND t.id_id = k.i`,
    [JSON.stringify([...keys.values()].map(({ orgId, idId }) => ({ o: orgId, i: idId })))],
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

/**
 * Adds counter deltas to the stored days, in one statement that also names the days whose
 * counters all came back to zero (rarely any: a revocation undoing a registration's day);
 * only those are then deleted, so such days are not kept.
 */
const ADD_USAGE_DAYS = `
  WITH added AS (
    INSERT INTO usage_days AS u (org_id, day, registrations, active_change, verifications_counted, verifications_internal)
    SELECT o, d, r, a, c, i FROM jsonb_to_recordset($1::jsonb) AS (o text, d int, r int, a int, c int, i int)
    ON CONFLICT (org_id, day) DO UPDATE SET
      registrations = u.registrations + EXCLUDED.registrations,
      active_change = u.active_change + EXCLUDED.active_change,
      verifications_counted = u.verifications_counted + EXCLUDED.verifications_counted,
      verifications_internal = u.verifications_internal + EXCLUDED.verifications_internal
    RETURNING org_id, day, registrations, active_change, verifications_counted, verifications_internal)
  SELECT org_id, day FROM added
  WHERE registrations = 0 AND active_change = 0 AND verifications_counted = 0 AND verifications_internal = 0`;

const DELETE_ZERO_DAYS = `
  DELETE FROM usage_days u USING jsonb_to_recordset($1::jsonb) AS k (org_id text, day int)
  WHERE u.org_id = k.org_id AND u.day = k.day
    AND u.registrations = 0 AND u.active_change = 0 AND u.verifications_counted = 0 AND u.verifications_internal = 0`;

async function addUsageDays(tx: SqlExecutor, usages: ReadonlyMap<string, OrganisationUsage>): Promise<void> {
  const rows = [...usages].flatMap(([orgId, usage]) =>
    usage
      .view()
      .entries()
      .filter(([, c]) => c.registrations || c.activeChange || c.verificationsCounted || c.verificationsInternal)
      .map(([day, c]) => ({
        o: orgId,
        d: day,
        r: c.registrations,
        a: c.activeChange,
        c: c.verificationsCounted,
        i: c.verificationsInternal,
      })),
  );
  for (const chunk of chunks(rows)) {
    const zero = await tx.query<{ org_id: string; day: number }>(ADD_USAGE_DAYS, [JSON.stringify(chunk)]);
    if (zero.length > 0) await tx.query(DELETE_ZERO_DAYS, [JSON.stringify(zero)]);
  }
}

interface UsageRow {
  readonly org_id: string;
  readonly day: number;
  readonly registrations: number;
  readonly active_change: number;
  readonly verifications_counted: number;
  readonly verifications_internal: number;
}

const USAGE_COUNTERS = 'registrations, active_change, verifications_counted, verifications_internal';

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
 * The usage of a page of organisations, for the close: per day for those with a closing
 * date (their periods may end inside a month), per month for the others (every period of
 * theirs is whole months, and a month is one row instead of thirty). Either answers the
 * close's questions exactly (MonthlyCounters refuses any other).
 */
export async function usageCountersOf(
  client: SqlExecutor,
  orgIds: readonly string[],
  hasClosingDate: (orgId: string) => boolean,
): Promise<Map<string, DailyCounters | MonthlyCounters>> {
  const usage = new Map(
    orgIds.map((orgId) => [orgId, hasClosingDate(orgId) ? new DailyCounters() : new MonthlyCounters()]),
  );
  const [days, months] = await Promise.all([
    client.query<UsageRow>(`SELECT org_id, day, ${USAGE_COUNTERS} FROM usage_days WHERE ${PAGE_OF_ORGANISATIONS}`, [
      orgIds.filter(hasClosingDate),
    ]),
    client.query<UsageRow>(USAGE_BY_MONTH, [orgIds.filter((orgId) => !hasClosingDate(orgId))]),
  ]);
  for (const row of [...days, ...months]) {
    const counters = usage.get(row.org_id);
    counters?.add(row.day, 'registrations', row.registrations);
    counters?.add(row.day, 'activeChange', row.active_change);
    counters?.add(row.day, 'verificationsCounted', row.verifications_counted);
    counters?.add(row.day, 'verificationsInternal', row.verifications_internal);
  }
  return usage;
}
