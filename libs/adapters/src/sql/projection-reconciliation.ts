import { BillingState, ContractEvent, DayCounts, IdTimeline, applicationSortKey, billedOrganisation } from '@smartme/domain';
import { IssuedChargeEvent } from '@smartme/ports';
import stableStringify from 'fast-json-stable-stringify';
import { SqlExecutor } from './sql-client';

const PAGE = 20_000;

/** What reconciling one table found and fixed. */
export interface TableReconciliation {
  readonly table: string;
  /** Rows that differed: changed, missing from the table, or not in the rebuilt state. */
  readonly differences: number;
}

/**
 * Makes the projection tables equal to a state rebuilt from the whole event stream,
 * reporting how many rows differed. The tables are read page by page and compared with
 * the state in memory; only differing rows are written, so a replay that finds nothing
 * wrong writes nothing, and memory stays proportional to the state, not to the table.
 */
export async function reconcileProjections(tx: SqlExecutor, state: BillingState, charges: readonly IssuedChargeEvent[]): Promise<TableReconciliation[]> {
  return [
    await reconcileTimelines(tx, state),
    await reconcileUsageDays(tx, state),
    await reconcileKeyed(tx, 'applications', 'event_id', applicationRows(state)),
    await reconcileKeyed(tx, 'charges', 'charge_id', chargeRows(charges)),
  ];
}

function sameTimeline(a: IdTimeline, b: IdTimeline): boolean {
  return a.length === b.length && a.every((entry, i) => {
    const other = b[i]!;
    return entry.epochMs === other.epochMs && entry.subMsNanos === other.subMsNanos && entry.eventId === other.eventId && entry.registers === other.registers;
  });
}

async function reconcileTimelines(tx: SqlExecutor, state: BillingState): Promise<TableReconciliation> {
  const matched = new Map<string, number>();
  const stale: [string, string][] = [];
  let differences = 0;
  for await (const row of pages<{ org_id: string; id_id: string; timeline: IdTimeline }>(tx, 'id_timelines', ['org_id', 'id_id'], 'org_id, id_id, timeline')) {
    const rebuilt = state.organisations.get(row.org_id)?.usage.timeline(row.id_id);
    if (rebuilt) matched.set(row.org_id, (matched.get(row.org_id) ?? 0) + 1);
    if (!rebuilt || !sameTimeline(rebuilt, row.timeline)) {
      differences++;
      stale.push([row.org_id, row.id_id]);
    }
  }
  const rewrite: { orgId: string; idId: string; timeline: IdTimeline }[] = [];
  for (const [orgId, org] of state.organisations) {
    if ((matched.get(orgId) ?? 0) === org.usage.idCount) continue;
    const present = new Set((await tx.query<{ id_id: string }>('SELECT id_id FROM id_timelines WHERE org_id = $1', [orgId])).map((r) => r.id_id));
    for (const [idId, timeline] of org.usage.allTimelines()) {
      if (!present.has(idId)) {
        differences++;
        rewrite.push({ orgId, idId, timeline });
      }
    }
  }
  for (const [orgId, idId] of stale) {
    const timeline = state.organisations.get(orgId)?.usage.timeline(idId);
    if (timeline) rewrite.push({ orgId, idId, timeline });
    else await tx.query('DELETE FROM id_timelines WHERE org_id = $1 AND id_id = $2', [orgId, idId]);
  }
  for (let i = 0; i < rewrite.length; i += PAGE) {
    await tx.query(
      `INSERT INTO id_timelines (org_id, id_id, timeline)
       SELECT o, i, t FROM jsonb_to_recordset($1::jsonb) AS (o text, i text, t jsonb)
       ON CONFLICT (org_id, id_id) DO UPDATE SET timeline = EXCLUDED.timeline`,
      [JSON.stringify(rewrite.slice(i, i + PAGE).map((r) => ({ o: r.orgId, i: r.idId, t: r.timeline })))]);
  }
  return { table: 'id_timelines', differences };
}

type DayRow = { org_id: string; day: number; registrations: number; active_change: number; verifications_counted: number; verifications_internal: number };

const dayText = (c: Pick<DayCounts, keyof DayCounts>) => `${c.registrations}|${c.activeChange}|${c.verificationsCounted}|${c.verificationsInternal}`;
const isZero = (c: DayCounts) => !c.registrations && !c.activeChange && !c.verificationsCounted && !c.verificationsInternal;

async function reconcileUsageDays(tx: SqlExecutor, state: BillingState): Promise<TableReconciliation> {
  const matched = new Map<string, number>();
  const rewrite: [string, number, DayCounts | null][] = [];
  for await (const row of pages<DayRow>(tx, 'usage_days', ['org_id', 'day'], 'org_id, day, registrations, active_change, verifications_counted, verifications_internal')) {
    const rebuilt = state.organisations.get(row.org_id)?.usage.view().on(row.day);
    const live = { registrations: row.registrations, activeChange: row.active_change, verificationsCounted: row.verifications_counted, verificationsInternal: row.verifications_internal };
    if (rebuilt && !isZero(rebuilt)) matched.set(row.org_id, (matched.get(row.org_id) ?? 0) + 1);
    if (!rebuilt || isZero(rebuilt) || dayText(rebuilt) !== dayText(live)) rewrite.push([row.org_id, row.day, rebuilt && !isZero(rebuilt) ? rebuilt : null]);
  }
  for (const [orgId, org] of state.organisations) {
    const days = org.usage.view().entries().filter(([, counts]) => !isZero(counts));
    if ((matched.get(orgId) ?? 0) === days.length) continue;
    const present = new Set((await tx.query<{ day: number }>('SELECT day FROM usage_days WHERE org_id = $1', [orgId])).map((r) => r.day));
    for (const [day, counts] of days) if (!present.has(day)) rewrite.push([orgId, day, counts]);
  }
  for (const [orgId, day, counts] of rewrite) {
    if (!counts) {
      await tx.query('DELETE FROM usage_days WHERE org_id = $1 AND day = $2', [orgId, day]);
      continue;
    }
    await tx.query(
      `INSERT INTO usage_days (org_id, day, registrations, active_change, verifications_counted, verifications_internal) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (org_id, day) DO UPDATE SET registrations = $3, active_change = $4, verifications_counted = $5, verifications_internal = $6`,
      [orgId, day, counts.registrations, counts.activeChange, counts.verificationsCounted, counts.verificationsInternal]);
  }
  return { table: 'usage_days', differences: rewrite.length };
}

/** A table of few rows (applications, charges), compared by a canonical text of each row. */
interface KeyedRows {
  readonly rows: Map<string, { readonly text: string; readonly values: readonly unknown[] }>;
  readonly columns: readonly string[];
  readonly casts: readonly string[];
  liveText(row: Record<string, unknown>): string;
}

async function reconcileKeyed(tx: SqlExecutor, table: string, key: string, rebuilt: KeyedRows): Promise<TableReconciliation> {
  const seen = new Set<string>();
  const rewrite: string[] = [];
  const remove: string[] = [];
  for await (const row of pages<Record<string, unknown>>(tx, table, [key], rebuilt.columns.join(', '))) {
    const id = row[key] as string;
    seen.add(id);
    const expected = rebuilt.rows.get(id);
    if (!expected) remove.push(id);
    else if (expected.text !== rebuilt.liveText(row)) rewrite.push(id);
  }
  for (const id of rebuilt.rows.keys()) if (!seen.has(id)) rewrite.push(id);
  if (remove.length > 0) await tx.query(`DELETE FROM ${table} WHERE ${key} = ANY($1::text[])`, [remove]);
  const assignments = rebuilt.columns.filter((c) => c !== key).map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  for (const id of rewrite) {
    const values = rebuilt.rows.get(id)!.values;
    await tx.query(
      `INSERT INTO ${table} (${rebuilt.columns.join(', ')}) VALUES (${rebuilt.casts.map((cast, i) => `$${i + 1}::${cast}`).join(', ')})
       ON CONFLICT (${key}) DO UPDATE SET ${assignments}`, values);
  }
  return { table, differences: rewrite.length + remove.length };
}

function applicationRows(state: BillingState): KeyedRows {
  const text = (orgId: unknown, sortKey: unknown, event: unknown) => `${orgId}|${sortKey}|${stableStringify(event)}`;
  const rows = new Map<string, { text: string; values: unknown[] }>();
  for (const org of state.organisations.values()) {
    for (const event of org.applications as readonly ContractEvent[]) {
      const orgId = billedOrganisation(event);
      const sortKey = applicationSortKey(event);
      rows.set(event.id, { text: text(orgId, sortKey, event), values: [event.id, orgId, sortKey, JSON.stringify(event)] });
    }
  }
  return {
    rows, columns: ['event_id', 'org_id', 'sort_key', 'event'], casts: ['text', 'text', 'text', 'jsonb'],
    liveText: (row) => text(row.org_id, row.sort_key, row.event),
  };
}

function chargeRows(charges: readonly IssuedChargeEvent[]): KeyedRows {
  const text = (position: unknown, event: unknown) => `${String(position)}|${stableStringify(event)}`;
  const rows = new Map<string, { text: string; values: unknown[] }>();
  for (const { position, event } of charges) {
    const { chargeId, orgId, kind, period, revision } = event.data;
    rows.set(chargeId, { text: text(position, event), values: [chargeId, orgId, kind, period, revision, position.toString(), JSON.stringify(event)] });
  }
  return {
    rows, columns: ['charge_id', 'org_id', 'kind', 'period', 'revision', 'position', 'event'],
    casts: ['text', 'text', 'text', 'text', 'int', 'bigint', 'jsonb'],
    liveText: (row) => text(row.position, row.event),
  };
}

/** Every row of a table in key order, a page at a time (keyset pagination). */
async function* pages<Row extends Record<string, unknown>>(tx: SqlExecutor, table: string, keys: readonly string[], columns: string): AsyncGenerator<Row> {
  let after: unknown[] | null = null;
  for (;;) {
    const where: string = after ? `WHERE (${keys.join(', ')}) > (${keys.map((_, i) => `$${i + 1}`).join(', ')})` : '';
    const rows: Row[] = await tx.query<Row>(`SELECT ${columns} FROM ${table} ${where} ORDER BY ${keys.join(', ')} LIMIT ${PAGE}`, after ?? []);
    yield* rows;
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = keys.map((key) => last[key]);
  }
}
