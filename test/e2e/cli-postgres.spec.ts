import { writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { join } from 'node:path';
import { postgresUrlForTests } from '../infra/postgres';
import { createPostgresDatabase } from '../contract/event-store.contract';
import { workload } from '../workload/workload';
import { WORKED_EXAMPLE, billing, chargeRow, ndjson, tempDir } from '../support/cli';

type Charge = Parameters<typeof chargeRow>[0] & { id: string };

/** The CLI on a real PostgreSQL server (DATABASE_URL), including two closes racing each other. */
describe('CLI on PostgreSQL', () => {
  let server: Awaited<ReturnType<typeof postgresUrlForTests>>;
  const databases: { drop(): Promise<void> }[] = [];
  const freshDatabase = async () => {
    const database = await createPostgresDatabase(server.url);
    databases.push(database);
    return { DATABASE_URL: database.url };
  };

  beforeAll(async () => {
    server = await postgresUrlForTests();
  });

  afterAll(async () => {
    for (const database of databases) await database.drop();
    await server.release();
  });

  it('runs the worked example', async () => {
    const env = await freshDatabase();
    const tariff = ['--tariff', join(WORKED_EXAMPLE, 'tariff.json')];
    expect(
      JSON.parse((await billing(['ingest', join(WORKED_EXAMPLE, 'events-1.ndjson'), ...tariff], { env })).stdout),
    ).toEqual({ accepted: 15, duplicates: 0, rejected: 0 });
    const october = await billing(['close', '--as-of', '2025-11-01T01:00:00+09:00', '--format', 'ndjson', ...tariff], {
      env,
    });
    expect(
      ndjson<Charge>(october.stdout)
        .map(chargeRow)
        .map((c) => [c.kind, c.quantity, c.amount]),
    ).toEqual([
      ['initial-fee', 120, 300000],
      ['id-registration', 3, 300],
      ['monthly-fee', 2, 600],
    ]);
    await billing(['ingest', join(WORKED_EXAMPLE, 'events-2.ndjson'), ...tariff], { env });
    const november = await billing(['close', '--as-of', '2025-12-01T02:00:00+09:00', '--format', 'ndjson', ...tariff], {
      env,
    });
    expect(ndjson<Charge>(november.stdout).map(chargeRow)).toEqual([
      {
        type: 'ChargeAdjusted',
        orgId: 'acme',
        kind: 'monthly-fee',
        period: '2025-10',
        revision: 1,
        quantity: -1,
        amount: -300,
      },
      {
        type: 'ChargeIssued',
        orgId: 'acme',
        kind: 'monthly-fee',
        period: '2025-11',
        revision: 0,
        quantity: 1,
        amount: 300,
      },
    ]);
    expect(JSON.parse((await billing(['replay', ...tariff], { env })).stdout)).toMatchObject({ equal: true });
  });

  it('keeps no day whose counters a late event brought back to zero, as a replay builds the days', async () => {
    const env = await freshDatabase();
    const registered = (id: string, time: string) =>
      JSON.stringify({
        specversion: '1.0',
        id,
        source: 'identity-platform',
        type: 'IdRegistered',
        time,
        data: { orgId: 'zero-org', idId: 'm-late' },
      });
    const [first, late] = [join(tempDir(), 'first.ndjson'), join(tempDir(), 'late.ndjson')];
    writeFileSync(first, `${registered('zero-1', '2025-10-20T10:00:00+09:00')}\n`);
    // The same ID registered ten days earlier: it was already active on the 20th, which counts nothing now.
    writeFileSync(late, `${registered('zero-2', '2025-10-10T10:00:00+09:00')}\n`);
    await billing(['ingest', first], { env });
    await billing(['ingest', late], { env });

    const client = new Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ day: string }>(
      "SELECT to_char(date '1970-01-01' + day, 'YYYY-MM-DD') AS day FROM usage_days WHERE org_id = 'zero-org' ORDER BY day",
    );
    await client.end();
    expect(rows.map((row) => row.day)).toEqual(['2025-10-10']);
    expect(JSON.parse((await billing(['replay'], { env })).stdout)).toMatchObject({ equal: true });
  });

  it('issues each charge exactly once when two closes run at the same time', async () => {
    const file = join(tempDir(), 'workload.ndjson');
    writeFileSync(file, `${[...workload({ seed: 11, organisations: 60, events: 15_000 })].join('\n')}\n`);
    const [racing, reference] = await Promise.all([freshDatabase(), freshDatabase()]);
    await Promise.all([billing(['ingest', file], { env: racing }), billing(['ingest', file], { env: reference })]);

    for (const asOf of ['2025-12-01T01:00:00+09:00', '2026-10-01T01:00:00+09:00']) {
      const close = ['close', '--as-of', asOf, '--format', 'ndjson'];
      const [first, second] = await Promise.all([billing(close, { env: racing }), billing(close, { env: racing })]);
      expect([first.code, second.code]).toEqual([0, 0]);
      const issuedByRace = [...ndjson<Charge>(first.stdout), ...ndjson<Charge>(second.stdout)].map((c) => c.id);
      const issuedAlone = ndjson<Charge>((await billing(close, { env: reference })).stdout).map((c) => c.id);

      expect(issuedAlone.length).toBeGreaterThan(0);
      expect(new Set(issuedByRace).size).toBe(issuedByRace.length);
      expect(issuedByRace.sort()).toEqual(issuedAlone.sort());
    }
    const stored = (env: NodeJS.ProcessEnv) =>
      billing(['charges', '--format', 'ndjson'], { env }).then((r) =>
        ndjson<Charge>(r.stdout)
          .map((c) => c.id)
          .sort(),
      );
    expect(await stored(racing)).toEqual(await stored(reference));
  });
});

describe('CLI on PostgreSQL: replay repairs tampered projections', () => {
  let server: Awaited<ReturnType<typeof postgresUrlForTests>>;
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;

  beforeAll(async () => {
    server = await postgresUrlForTests();
    database = await createPostgresDatabase(server.url);
  });

  afterAll(async () => {
    await database.drop();
    await server.release();
  });

  it('reports each table that differs from the event stream, restores it, and then finds it equal', async () => {
    const env = { DATABASE_URL: database.url };
    const tariff = ['--tariff', join(WORKED_EXAMPLE, 'tariff.json')];
    await billing(['ingest', join(WORKED_EXAMPLE, 'events-1.ndjson'), ...tariff], { env });
    await billing(['close', '--as-of', '2025-11-01T01:00:00+09:00', ...tariff], { env });
    const before = (await billing(['charges', '--format', 'ndjson', ...tariff], { env })).stdout;
    const usageBefore = (
      await billing(['usage', '--org', 'acme', '--period', '2025-10', '--format', 'ndjson', ...tariff], { env })
    ).stdout;

    const client = new Client({ connectionString: database.url });
    await client.connect();
    await client.query("UPDATE usage_days SET registrations = registrations + 5 WHERE org_id = 'acme'");
    await client.query("DELETE FROM id_timelines WHERE org_id = 'acme' AND id_id = 'a'");
    await client.query("INSERT INTO id_timelines (org_id, id_id, timeline) VALUES ('ghost', 'g', '[]')");
    await client.query('DELETE FROM charges WHERE revision = 0 AND kind = $1', ['monthly-fee']);
    await client.end();

    // Small partitions: the tables are reconciled one share of the organisations at a time.
    const repaired = JSON.parse((await billing(['replay', '--partition-events', '4', ...tariff], { env })).stdout) as {
      equal: boolean;
      partitions: number;
      differences: Record<string, number>;
    };
    expect(repaired.partitions).toBeGreaterThan(1);
    expect(repaired.equal).toBe(false);
    expect(repaired.differences).toEqual({
      id_timelines: 2,
      usage_days: expect.any(Number),
      applications: 0,
      charges: 1,
    });
    expect(repaired.differences.usage_days).toBeGreaterThan(0);

    expect(JSON.parse((await billing(['replay', ...tariff], { env })).stdout)).toMatchObject({ equal: true });
    expect((await billing(['charges', '--format', 'ndjson', ...tariff], { env })).stdout).toBe(before);
    expect(
      (await billing(['usage', '--org', 'acme', '--period', '2025-10', '--format', 'ndjson', ...tariff], { env }))
        .stdout,
    ).toBe(usageBefore);
  });
});
