/**
 * `DATABASE_URL=… node -r @swc-node/register test/bench/explain.ts [--tariff FILE] [--runs N] [--orgs A,B]`:
 * how long `explain` takes on an existing store (ingested and closed), for organisations of
 * every size, and the plan of its one read of the store (EventStore.readOrganisation).
 *
 * For each organisation picked (the largest, the 90th and 50th percentile by stored events,
 * the smallest; and those named by --orgs) and each charge kind it has, the latest charge of that kind is explained
 * `--runs` times (default 3) in this process; the first run reads from a cold cache, the
 * others from a warm one. Then EXPLAIN (ANALYZE, BUFFERS) of the read for the largest and
 * the median organisation. Prints markdown.
 */
import { Client } from 'pg';
import { CHARGE_KINDS } from '@smartme/domain';
import { openBillingRuntime } from '../../apps/billing/src/composition/billing-runtime';
import { SAMPLE_TARIFF } from '../../apps/billing/src/composition/runtime-options';
import { timed } from './measure';

/** SqlEventStore's read of one type of one organisation's events (a page). */
const READ_ORGANISATION = `
  SELECT position, event_id, type, source, time, data FROM billing_events
  WHERE org_id = $1 AND type = $2 AND position > $3::bigint AND position < $4::bigint
  ORDER BY position
  LIMIT $5`;

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL must name a store (ingested and closed)');
  const argv = process.argv.slice(2);
  const option = (name: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : undefined);
  const runs = Number(option('runs') ?? 3);
  const runtime = await openBillingRuntime({
    dataDir: '',
    tariffPath: option('tariff') ?? SAMPLE_TARIFF,
    databaseUrl: url,
  });
  const sql = new Client({ connectionString: url });
  await sql.connect();
  try {
    const [{ total }] = (await sql.query<{ total: string }>('SELECT count(*) AS total FROM billing_events')).rows as [
      { total: string },
    ];
    const sizes = (
      await sql.query<{ org_id: string; events: string }>(
        'SELECT org_id, count(*) AS events FROM billing_events GROUP BY org_id ORDER BY count(*) DESC, org_id',
      )
    ).rows;
    const at = (share: number) => sizes[Math.min(sizes.length - 1, Math.floor(share * sizes.length))]!;
    const picked = [
      ['largest', sizes[0]!],
      ['p90', at(0.1)],
      ['median', at(0.5)],
      ['smallest', sizes[sizes.length - 1]!],
      ...(option('orgs') ?? '')
        .split(',')
        .filter(Boolean)
        .map((orgId) => ['named', sizes.find((size) => size.org_id === orgId)!] as const),
    ] as const;
    process.stdout.write(`store: ${Number(total).toLocaleString('en')} events, ${sizes.length} organisations\n\n`);
    process.stdout.write('| organisation | its events | charge | units | events listed | explain, ms (runs) |\n');
    process.stdout.write('| --- | ---: | --- | ---: | ---: | --- |\n');
    const plans: { label: string; orgId: string; before: bigint }[] = [];
    for (const [label, { org_id: orgId, events }] of picked) {
      for (const kind of CHARGE_KINDS) {
        const charges = await runtime.projections.charges({ orgId, kind });
        const latest = charges[charges.length - 1];
        if (!latest) continue;
        if (kind === 'monthly-fee') plans.push({ label, orgId, before: latest.position });
        const times: number[] = [];
        let explanation = null;
        for (let i = 0; i < runs; i++) {
          const run = await timed(() => runtime.explain.charge(latest.event.data.chargeId));
          times.push(run.seconds * 1000);
          explanation = run.value;
        }
        const { data } = latest.event;
        process.stdout.write(
          `| ${label} ${orgId} | ${Number(events).toLocaleString('en')} | ${kind} ${data.period} r${data.revision} | ${explanation!.unitCount.toLocaleString('en')} | ${explanation!.events.length}${explanation!.truncated ? ' (cut)' : ''} | ${times.map((t) => t.toFixed(0)).join(' / ')} |\n`,
        );
      }
    }
    for (const { label, orgId, before } of plans.filter((p) => p.label === 'largest' || p.label === 'median')) {
      const plan = await sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${READ_ORGANISATION}`, [
        orgId,
        'IdRegistered',
        '0',
        before.toString(),
        5000,
      ]);
      process.stdout.write(
        `\nEXPLAIN (ANALYZE, BUFFERS), first page of ${label} ${orgId}'s registrations (one of the types a monthly fee reads):\n\n`,
      );
      for (const row of plan.rows) process.stdout.write(`    ${row['QUERY PLAN']}\n`);
    }
  } finally {
    await sql.end();
    await runtime.shutdown();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
