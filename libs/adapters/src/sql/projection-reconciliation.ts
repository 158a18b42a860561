import {
  BillingState,
  ContractEvent,
  DayCounts,
  IdTimeline,
  applicationSortKey,
  organisationOf,
} from '@smartme/domain';
import { IssuedChargeEvent, RebuiltPartition } from '@smartme/ports';
import stableStringify from 'fast-json-stable-stringify';
import { SqlExecutor } from './sql-client';

/** Rows read or written per statement: bounds memory whatever the size of an organisation. */
const PAGE = 20_000;

const TABLES = ['id_timelines', 'usage_days', 'applications', 'charges'] as const;
type Table = (typeof TABLES)[number];

/** How many rows of each table differed from the rebuilt state (changed, missing or extra). */
export type Differences = Record<Table, number>;

/**
 * Makes the projection tables equal to a state rebuilt from the whole event stream, one
 * partition of organisations at a time: the rows of a partition's organisations are read
 * and compared with its state in memory, and only differing rows are written, so a replay
 * that finds nothing wrong writes nothing and memory stays bounded by the largest
 * partition. Rows of organisations that no partition holds are removed at the end.
 */
export async function reconcileProjections(
  tx: SqlExecutor,
  partitions: AsyncIterable<RebuiltPartition>,
): Promise<Differences> {
  const differences: Differences = { id_timelines: 0, usage_days: 0, applications: 0, charges: 0 };
  const rebuiltOrganisations: string[] = [];
  for await (const { state, charges } of partitions) {
    const orgIds = [...state.organisations.keys()].sort();
    rebuiltOrganisations.push(...orgIds);
    differences.id_timelines += await reconcileTimelines(tx, state, orgIds);
    differences.usage_days += await reconcileUsageDays(tx, state, orgIds);
    differences.applications += await reconcileKeyed(tx, 'applications', 'event_id', applicationRows(state), orgIds);
    differences.charges += await reconcileKeyed(tx, 'charges', 'charge_id', chargeRows(charges), orgIds);
  }
  for (const table of TABLES) differences[table] += await removeOrganisationsOtherThan(tx, table, rebuiltOrganisations);
  return differences;
}

/** Consecutive runs of organisations whose rows (by the given count) fit about a page. */
function organisationPages(orgIds: readonly string[], rowsOf: (orgId: string) => number): string[][] {
  const pages: string[][] = [];
  let page: string[] = [];
  let rows = 0;
  for (const orgId of orgIds) {
    if (page.length > 0 && rows + rowsOf(orgId) > PAGE) {
      pages.push(page);
      page = [];
      rows = 0;
    }
    page.push(orgId);
    rows += rowsOf(orgId);
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

function sameTimeline(a: IdTimeline, b: IdTimeline): boolean {
  return (
    a.length === b.length &&
    a.every((entry, i) => {
      const other = b[i]!;
      return (
        entry.epochMs === other.epochMs &&
        entry.subMsNanos === other.subMsNanos &&
        entry.eventId === other.eventId &&
        entry.registers === other.registers
      );
    })
  );
}

async function reconcileTimelines(tx: SqlExecutor, state: BillingState, orgIds: readonly string[]): Promise<number> {
  let differences = 0;
  for (const page of organisationPages(orgIds, (orgId) => state.organisations.get(orgId)!.usage.idCount)) {
    const rows = await tx.query<{ org_id: string; id_id: string; timeline: IdTimeline }>(
      'SELECT org_id, id_id, timeline FROM id_timelines WHERE org_id = ANY($1::text[])',
      [page],
    );
    const present = new Set<string>();
    const rewrite: { o: string; i: string; t: IdTimeline }[] = [];
    const remove: { o: string; i: string }[] = [];
    for (const row of rows) {
      present.add(`${row.org_id}\u0000${row.id_id}`);
      const rebuilt = state.organisations.get(row.org_id)!.usage.timeline(row.id_id);
      if (!rebuilt) remove.push({ o: row.org_id, i: row.id_id });
      else if (!sameTimeline(rebuilt, row.timeline)) rewrite.push({ o: row.org_id, i: row.id_id, t: rebuilt });
    }
    for (const orgId of page) {
      for (const [idId, timeline] of state.organisations.get(orgId)!.usage.allTimelines()) {
        if (!present.has(`${orgId}\u0000${idId}`)) rewrite.push({ o: orgId, i: idId, t: timeline });
      }
    }
    await writeInPages(
      tx,
      rewrite,
      `
      INSERT INTO id_timelines (org_id, id_id, timeline)
      SELECT o, i, t FROM jsonb_to_recordset($1::jsonb) AS (o text, i text, t jsonb)
      ON CONFLICT (org_id, id_id) DO UPDATE SET timeline = EXCLUDED.timeline`,
    );
    await writeInPages(
      tx,
      remove,
      `
      DELETE FROM id_timelines t USING jsonb_to_recordset($1::jsonb) AS r (o text, i text)
      WHERE t.org_id = r.o AND t.id_id = r.i`,
    );
    differences += rewrite.length + remove.length;
  }
  return differences;
}

const dayText = (c: Pick<DayCounts, keyof DayCounts>) =>
  `${c.registrations}|${c.activeChange}|${c.verificationsCounted}|${c.verificationsInternal}`;
const isZero = (c: DayCounts) =>
  !c.registrations && !c.activeChange && !c.verificationsCounted && !c.verificationsInternal;

async function reconcileUsageDays(tx: SqlExecutor, state: BillingState, orgIds: readonly string[]): Promise<number> {
  let differences = 0;
  for (const page of organisationPages(orgIds, (orgId) => state.organisations.get(orgId)!.usage.view().dayCount)) {
    const rows = await tx.query<{
      org_id: string;
      day: number;
      registrations: number;
      active_change: number;
      verifications_counted: number;
      verifications_internal: number;
    }>(
      `SELECT org_id, day, registrations, active_change, verifications_counted, verifications_internal FROM usage_days WHERE org_id = ANY($1::text[])`,
      [page],
    );
    const present = new Set<string>();
    const rewrite: { o: string; d: number; r: number; a: number; v: number; n: number }[] = [];
    const remove: { o: string; d: number }[] = [];
    for (const row of rows) {
      present.add(`${row.org_id}\u0000${row.day}`);
      const rebuilt = state.organisations.get(row.org_id)!.usage.view().on(row.day);
      const live = {
        registrations: row.registrations,
        activeChange: row.active_change,
        verificationsCounted: row.verifications_counted,
        verificationsInternal: row.verifications_internal,
      };
      // Days whose counters all came back to zero are not kept.
      if (!rebuilt || isZero(rebuilt)) remove.push({ o: row.org_id, d: row.day });
      else if (dayText(rebuilt) !== dayText(live)) rewrite.push(dayRow(row.org_id, row.day, rebuilt));
    }
    for (const orgId of page) {
      for (const [day, counts] of state.organisations.get(orgId)!.usage.view().entries()) {
        if (!isZero(counts) && !present.has(`${orgId}\u0000${day}`)) rewrite.push(dayRow(orgId, day, counts));
      }
    }
    await writeInPages(
      tx,
      rewrite,
      `
      INSERT INTO usage_days (org_id, day, registrations, active_change, verifications_counted, verifications_internal)
      SELECT o, d, r, a, v, n FROM jsonb_to_recordset($1::jsonb) AS (o text, d int, r int, a int, v int, n int)
      ON CONFLICT (org_id, day) DO UPDATE SET registrations = EXCLUDED.registrations, active_change = EXCLUDED.active_change,
        verifications_counted = EXCLUDED.verifications_counted, verifications_internal = EXCLUDED.verifications_internal`,
    );
    await writeInPages(
      tx,
      remove,
      `
      DELETE FROM usage_days u USING jsonb_to_recordset($1::jsonb) AS r (o text, d int)
      WHERE u.org_id = r.o AND u.day = r.d`,
    );
    differences += rewrite.length + remove.length;
  }
  return differences;
}

function dayRow(orgId: string, day: number, c: DayCounts) {
  return {
    o: orgId,
    d: day,
    r: c.registrations,
    a: c.activeChange,
    v: c.verificationsCounted,
    n: c.verificationsInternal,
  };
}

/** A table of few rows per organisation (applications, charges), compared by a canonical text of each row. */
interface KeyedRows {
  readonly rows: Map<string, { readonly text: string; readonly values: readonly unknown[] }>;
  readonly columns: readonly string[];
  readonly casts: readonly string[];
  liveText(row: Record<string, unknown>): string;
}

async function reconcileKeyed(
  tx: SqlExecutor,
  table: 'applications' | 'charges',
  key: string,
  rebuilt: KeyedRows,
  orgIds: readonly string[],
): Promise<number> {
  const seen = new Set<string>();
  const rewrite: string[] = [];
  const remove: string[] = [];
  for (let i = 0; i < orgIds.length; i += PAGE) {
    const rows = await tx.query<Record<string, unknown>>(
      `SELECT ${rebuilt.columns.join(', ')} FROM ${table} WHERE org_id = ANY($1::text[])`,
      [orgIds.slice(i, i + PAGE)],
    );
    for (const row of rows) {
      const id = row[key] as string;
      seen.add(id);
      const expected = rebuilt.rows.get(id);
      if (!expected) remove.push(id);
      else if (expected.text !== rebuilt.liveText(row)) rewrite.push(id);
    }
  }
  for (const id of rebuilt.rows.keys()) if (!seen.has(id)) rewrite.push(id);
  if (remove.length > 0) await tx.query(`DELETE FROM ${table} WHERE ${key} = ANY($1::text[])`, [remove]);
  const assignments = rebuilt.columns
    .filter((c) => c !== key)
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  for (const id of rewrite) {
    const values = rebuilt.rows.get(id)!.values;
    await tx.query(
      `INSERT INTO ${table} (${rebuilt.columns.join(', ')}) VALUES (${rebuilt.casts.map((cast, i) => `$${i + 1}::${cast}`).join(', ')})
       ON CONFLICT (${key}) DO UPDATE SET ${assignments}`,
      values,
    );
  }
  return rewrite.length + remove.length;
}

function applicationRows(state: BillingState): KeyedRows {
  const text = (orgId: unknown, sortKey: unknown, event: unknown) => `${orgId}|${sortKey}|${stableStringify(event)}`;
  const rows = new Map<string, { text: string; values: unknown[] }>();
  for (const org of state.organisations.values()) {
    for (const event of org.applications as readonly ContractEvent[]) {
      const orgId = organisationOf(event);
      const sortKey = applicationSortKey(event);
      rows.set(event.id, {
        text: text(orgId, sortKey, event),
        values: [event.id, orgId, sortKey, JSON.stringify(event)],
      });
    }
  }
  return {
    rows,
    columns: ['event_id', 'org_id', 'sort_key', 'event'],
    casts: ['text', 'text', 'text', 'jsonb'],
    liveText: (row) => text(row.org_id, row.sort_key, row.event),
  };
}

function chargeRows(charges: readonly IssuedChargeEvent[]): KeyedRows {
  const text = (position: unknown, event: unknown) => `${String(position)}|${stableStringify(event)}`;
  const rows = new Map<string, { text: string; values: unknown[] }>();
  for (const { position, event } of charges) {
    const { chargeId, orgId, kind, period, revision } = event.data;
    rows.set(chargeId, {
      text: text(position, event),
      values: [chargeId, orgId, kind, period, revision, position.toString(), JSON.stringify(event)],
    });
  }
  return {
    rows,
    columns: ['charge_id', 'org_id', 'kind', 'period', 'revision', 'position', 'event'],
    casts: ['text', 'text', 'text', 'text', 'int', 'bigint', 'jsonb'],
    liveText: (row) => text(row.position, row.event),
  };
}

/** Rows of organisations the rebuilt state does not know: nothing in the stream produces them. */
async function removeOrganisationsOtherThan(tx: SqlExecutor, table: Table, orgIds: readonly string[]): Promise<number> {
  const [row] = await tx.query<{ removed: number }>(
    `WITH removed AS (
       DELETE FROM ${table} t WHERE NOT EXISTS (SELECT 1 FROM unnest($1::text[]) AS k (org_id) WHERE k.org_id = t.org_id) RETURNING 1)
     SELECT count(*)::int AS removed FROM removed`,
    [orgIds],
  );
  return row?.removed ?? 0;
}

/** One statement per page of rows, the page sent as one JSON document. */
async function writeInPages(tx: SqlExecutor, rows: readonly unknown[], statement: string): Promise<void> {
  for (let i = 0; i < rows.length; i += PAGE) await tx.query(statement, [JSON.stringify(rows.slice(i, i + PAGE))]);
}
