/**
 * `npm run bench [-- --quick] [-- --events N --orgs K]`: generates a workload, starts real
 * PostgreSQL and Kafka the way the tests do, measures ingest, replay, close and Kafka
 * consumption each beside a baseline in the same run, and writes docs/benchmarks.md and
 * docs/benchmarks.json.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { INGEST_BATCH_SIZE } from '@smartme/application';
import { createPostgresDatabase } from '../contract/event-store.contract';
import { startKafka } from '../infra/kafka';
import { startThrowawayPostgres } from '../infra/postgres';
import { ROOT } from '../support/cli';
import { ServiceProcess } from '../support/service-process';
import { BENCHMARK_MIX, workload } from '../workload/workload';
import { cliStart } from './cli-start';
import { billingCommand, progress, timed } from './measure';
import { Measure, writeReport } from './report';
import { sqlFloor } from './sql-floor';

type Part = 'store' | 'kafka' | 'latency' | 'cli';
const PARTS: readonly Part[] = ['store', 'kafka', 'latency', 'cli'];
/** The parts that need the workload and the servers (`cli` needs neither). */
const SERVER_PARTS: readonly Part[] = ['store', 'kafka', 'latency'];

interface Options {
  readonly quick: boolean;
  /** Parts to run (`--only store,kafka`); a partial run prints its table and leaves docs/ alone. */
  readonly only: readonly Part[] | null;
  readonly events: number;
  readonly orgs: number;
  readonly seed: number;
  /** `--fsync`: the cluster with fsync on, as a billing store runs; by default off, the benchmark cluster's setting. */
  readonly fsync: boolean;
}

function options(argv: readonly string[]): Options {
  const quick = argv.includes('--quick');
  const value = (name: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? Number(argv[index + 1]) : undefined;
  };
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').split(',') : null;
  const unknown = only?.filter((part) => !PARTS.includes(part as Part)) ?? [];
  if (unknown.length > 0 || only?.length === 0)
    throw new Error(
      `--only takes a comma-separated list of ${PARTS.join(', ')}; got ${argv[onlyIndex + 1] ?? 'nothing'}`,
    );
  return {
    quick,
    only: only as Part[] | null,
    events: value('events') ?? (quick ? 100_000 : 10_000_000),
    orgs: value('orgs') ?? (quick ? 100 : 10_000),
    seed: value('seed') ?? 1,
    fsync: argv.includes('--fsync'),
  };
}

async function writeWorkload(file: string, opts: Options, events: number): Promise<void> {
  const out = createWriteStream(file);
  let written = 0;
  for (const line of workload({ seed: opts.seed, organisations: opts.orgs, events, mix: BENCHMARK_MIX })) {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
    if (++written % 1_000_000 === 0) progress(`generated ${written}/${events} events`);
  }
  out.end();
  await once(out, 'finish');
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const runs = (part: Part) => opts.only === null || opts.only.includes(part);
  // The build of exactly these sources: every measure runs the built CLI and service, which
  // would otherwise quietly compile on the fly (and so measure the compiler too).
  execFileSync(process.execPath, [join(ROOT, 'tools/build.js')], { stdio: 'inherit' });
  const measures: Measure[] = [];
  if (runs('cli')) measures.push(...cliStart());
  if (SERVER_PARTS.some(runs)) measures.push(...(await serverParts(opts, runs)));
  const run = {
    date: new Date().toISOString(),
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    ...opts,
    measures,
  };
  if (opts.only !== null) {
    process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    progress('partial run (--only): results above, docs/ left as they were');
    return;
  }
  writeReport(run);
  progress('wrote docs/benchmarks.md and docs/benchmarks.json');
}

async function serverParts(opts: Options, runs: (part: Part) => boolean): Promise<Measure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const file = join(dir, 'workload.ndjson');
  const small = join(dir, 'workload-small.ndjson');
  progress(`workload: ${opts.events} events, ${opts.orgs} organisations (seed ${opts.seed}) in ${dir}`);
  await writeWorkload(file, opts, opts.events);
  if (runs('store')) await writeWorkload(small, opts, Math.round(opts.events / 10));

  progress(`starting PostgreSQL (fsync ${opts.fsync ? 'on' : 'off'}) and Kafka`);
  const [pg, broker] = await Promise.all([
    startThrowawayPostgres({
      settings: { shared_buffers: '1GB', max_wal_size: '8GB', ...(opts.fsync ? { fsync: 'on' } : {}) },
    }),
    startKafka(),
  ]);
  const measures: Measure[] = [];
  try {
    const floor = runs('store') || runs('kafka') ? await floorRate(pg.url, file, opts.events) : NaN;
    if (runs('store')) measures.push(...(await ingestAndReplay(pg.url, file, small, opts, floor)));
    if (runs('kafka')) measures.push(...(await kafkaPipeline(pg.url, broker.brokers, file, opts, floor)));
    if (runs('latency')) measures.push(await closeLatency(pg.url, broker.brokers));
  } finally {
    await broker.stop();
    await pg.destroy();
  }
  return measures;
}

/** Events a second through the same-semantics SQL floor (sql-floor.ts), in batches of the CLI's size. */
async function floorRate(serverUrl: string, file: string, events: number): Promise<number> {
  progress(`baseline: the same-semantics SQL floor (batches of ${INGEST_BATCH_SIZE} lines, each committed)`);
  const db = await createPostgresDatabase(serverUrl);
  const floor = await timed(async () => sqlFloor(db.url, file, INGEST_BATCH_SIZE));
  await db.drop();
  return events / floor.seconds;
}

const FLOOR = 'same-semantics SQL floor (COPY batches, INSERT … ON CONFLICT DO NOTHING)';

/** Node.js CPU (user + system) per event, in microseconds. */
const cpuPerEvent = (cpuSeconds: number, events: number) => (cpuSeconds * 1e6) / events;

async function ingestAndReplay(
  serverUrl: string,
  file: string,
  small: string,
  opts: Options,
  floor: number,
): Promise<Measure[]> {
  const n = opts.events;
  progress('baseline: PostgreSQL COPY of the same lines into a plain table');
  const copyDb = await createPostgresDatabase(serverUrl);
  execFileSync('psql', [copyDb.url, '-qc', 'CREATE TABLE raw_lines (line text)']);
  const copy = await timed(async () =>
    execFileSync('psql', [
      copyDb.url,
      '-qc',
      `\\copy raw_lines (line) FROM '${file}' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`,
    ]),
  );
  await copyDb.drop();

  progress('CLI ingest into PostgreSQL');
  const db = await createPostgresDatabase(serverUrl);
  const env = { DATABASE_URL: db.url };
  const ingestPg = await billingCommand(['ingest', file], env);
  progress('CLI ingest of a tenth of the events into PostgreSQL (scaling)');
  const smallDb = await createPostgresDatabase(serverUrl);
  const ingestSmall = await billingCommand(['ingest', small], { DATABASE_URL: smallDb.url });
  await smallDb.drop();
  progress('CLI ingest into the embedded store');
  const ingestEmbedded = await billingCommand(
    ['ingest', file, '--data', mkdtempSync(join(tmpdir(), 'bench-embedded-'))],
    { DATABASE_URL: '' },
  );

  progress('baseline: a bare SELECT stream of the events table');
  const bareRead = await timed(() => bareSelect(db.url));
  progress('replay of every projection');
  const replay = await billingCommand(['replay'], env);

  progress(
    'close in the running service: every month up to August 2026 (not timed), then September 2026 for all organisations',
  );
  const service = await ServiceProcess.start(env);
  await service.post(`/v1/admin/close?asOf=${encodeURIComponent('2026-09-01T01:00:00+09:00')}`);
  const close = await timed(() =>
    service.post(`/v1/admin/close?asOf=${encodeURIComponent('2026-10-01T01:00:00+09:00')}`),
  );
  await service.stop();
  progress('baseline: one GROUP BY over the raw events computing the same counts');
  const groupBy = await timed(() => monthGroupBy(db.url));
  await db.drop();

  const perSecond = (count: number, seconds: number) => count / seconds;
  return [
    {
      name: 'CLI ingest into PostgreSQL',
      unit: 'events/s',
      value: perSecond(n, ingestPg.seconds),
      baseline: FLOOR,
      baselineValue: floor,
      aim: '≥ 0.8 × floor',
      met: perSecond(n, ingestPg.seconds) >= 0.8 * floor,
    },
    {
      name: 'Node.js CPU per event: CLI ingest into PostgreSQL, projections included',
      unit: 'µs',
      value: cpuPerEvent(ingestPg.cpuSeconds, n),
      aim: '≤ 15 µs',
      met: cpuPerEvent(ingestPg.cpuSeconds, n) <= 15,
      lowerIsBetter: true,
    },
    {
      name: 'CLI ingest into PostgreSQL',
      unit: 'events/s',
      value: perSecond(n, ingestPg.seconds),
      baseline: 'bare PostgreSQL COPY of the same lines (one statement)',
      baselineValue: perSecond(n, copy.seconds),
      aim: '—',
      met: true,
      context: true,
    },
    {
      name: 'CLI ingest into the embedded store',
      unit: 'events/s',
      value: perSecond(n, ingestEmbedded.seconds),
      baseline: 'PostgreSQL COPY of the same lines',
      baselineValue: perSecond(n, copy.seconds),
      aim: '≥ 0.3 × COPY',
      met: perSecond(n, ingestEmbedded.seconds) >= 0.3 * perSecond(n, copy.seconds),
    },
    {
      name: 'replay of all projections (PostgreSQL)',
      unit: 'events/s',
      value: perSecond(n, replay.seconds),
      baseline: 'bare SELECT stream of the events table',
      baselineValue: perSecond(n, bareRead.seconds),
      aim: '≥ 0.5 × bare read',
      met: perSecond(n, replay.seconds) >= 0.5 * perSecond(n, bareRead.seconds),
    },
    {
      name: 'Node.js CPU per event: replay',
      unit: 'µs',
      value: cpuPerEvent(replay.cpuSeconds, n),
      aim: '—',
      met: true,
      lowerIsBetter: true,
      context: true,
    },
    {
      name: 'close of one month, all organisations',
      unit: 's',
      value: close.seconds,
      baseline: 'one SQL GROUP BY over the raw events',
      baselineValue: groupBy.seconds,
      aim: 'faster than the GROUP BY; < 10 s',
      met: close.seconds < groupBy.seconds && close.seconds < 10,
      lowerIsBetter: true,
    },
    {
      name: 'peak RSS: ingest (PostgreSQL)',
      unit: 'MiB',
      value: ingestPg.peakRssMb,
      aim: '< 1 GiB',
      met: ingestPg.peakRssMb < 1024,
      lowerIsBetter: true,
    },
    {
      name: 'peak RSS: ingest (embedded)',
      unit: 'MiB',
      value: ingestEmbedded.peakRssMb,
      aim: '< 1 GiB',
      met: ingestEmbedded.peakRssMb < 1024,
      lowerIsBetter: true,
    },
    {
      name: 'peak RSS: replay',
      unit: 'MiB',
      value: replay.peakRssMb,
      aim: '< 1 GiB',
      met: replay.peakRssMb < 1024,
      lowerIsBetter: true,
    },
    {
      name: `scaling: ingest rate at ${n} vs ${Math.round(n / 10)} events`,
      unit: '×',
      value: perSecond(n, ingestPg.seconds) / perSecond(n / 10, ingestSmall.seconds),
      aim: 'no drop beyond 20% (≥ 0.8)',
      met: perSecond(n, ingestPg.seconds) / perSecond(n / 10, ingestSmall.seconds) >= 0.8,
    },
  ];
}

async function bareSelect(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  let after = 0;
  let rows = 0;
  for (;;) {
    const page = await client.query<{ position: string }>(
      'SELECT position, event_id, type, source, time, data FROM billing_events WHERE position > $1 ORDER BY position LIMIT 10000',
      [after],
    );
    rows += page.rows.length;
    if (page.rows.length < 10000) break;
    after = Number(page.rows[page.rows.length - 1]!.position);
  }
  await client.end();
  return rows;
}

/** Registrations and the (approximate, revocations netted) active count per organisation for September 2026. */
async function monthGroupBy(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(`
    SELECT org_id,
      count(DISTINCT data->>'idId') FILTER (WHERE type = 'IdRegistered' AND time >= '2026-09-01T00:00:00+09:00' AND time < '2026-10-01T00:00:00+09:00') AS registrations,
      count(*) FILTER (WHERE type = 'IdRegistered' AND time < '2026-10-01T00:00:00+09:00') - count(*) FILTER (WHERE type = 'IdRevoked' AND time < '2026-10-01T00:00:00+09:00') AS active
    FROM billing_events GROUP BY org_id`);
  await client.end();
  return rows.length;
}

/**
 * Kafka → store → projections through `serve`, beside the SQL floor and a bare kafkajs
 * eachBatch consumer of the same topic; then the same with two instances in one group,
 * which queue on the append lock (docs/scaling.md).
 */
async function kafkaPipeline(
  serverUrl: string,
  brokers: readonly string[],
  file: string,
  opts: Options,
  floor: number,
): Promise<Measure[]> {
  const kafka = new Kafka({ brokers: [...brokers], logLevel: logLevel.ERROR });
  const topic = 'identity.events';
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [topic, 'billing.contracts', 'billing.charges', 'billing.dead-letter'].map((t) => ({
      topic: t,
      numPartitions: 4,
    })),
  });
  progress(`producing ${opts.events} events to ${topic}`);
  await produceFile(kafka, file, topic);

  progress('baseline: a bare kafkajs eachBatch consumer reads the topic');
  const bare = await timed(() => bareConsume(kafka, topic, opts.events));

  progress('serve: Kafka → PostgreSQL with projections up to date');
  const one = await servePipeline(serverUrl, brokers, admin, topic, 'bench-serve', 1);
  progress('serve, two instances in one group: Kafka → PostgreSQL with projections up to date');
  const two = await servePipeline(serverUrl, brokers, admin, topic, 'bench-serve-two', 2);
  await admin.disconnect();

  const rate = opts.events / one.seconds;
  return [
    {
      name: 'Kafka → store → projections (PostgreSQL)',
      unit: 'events/s',
      value: rate,
      baseline: FLOOR,
      baselineValue: floor,
      aim: '≥ 30k events/s, ≥ 0.8 × floor',
      met: rate >= 30_000 && rate >= 0.8 * floor,
    },
    {
      name: 'Node.js CPU per event: Kafka → store → projections',
      unit: 'µs',
      value: cpuPerEvent(one.cpuSeconds, opts.events),
      aim: '≤ 15 µs',
      met: cpuPerEvent(one.cpuSeconds, opts.events) <= 15,
      lowerIsBetter: true,
    },
    {
      name: 'Kafka → store → projections (PostgreSQL)',
      unit: 'events/s',
      value: rate,
      baseline: 'bare kafkajs eachBatch consumer',
      baselineValue: opts.events / bare.seconds,
      aim: '—',
      met: true,
      context: true,
    },
    {
      name: 'Kafka → store → projections, two instances in one group',
      unit: 'events/s',
      value: opts.events / two.seconds,
      baseline: 'one instance',
      baselineValue: rate,
      aim: '— (docs/scaling.md)',
      met: true,
      context: true,
    },
  ];
}

interface ServeRun {
  readonly seconds: number;
  /** CPU of every instance, user + system, from their process metrics. */
  readonly cpuSeconds: number;
}

/** `instances` services in one group consume the topic into a new database until committed to the end and projected. */
async function servePipeline(
  serverUrl: string,
  brokers: readonly string[],
  admin: Admin,
  topic: string,
  groupId: string,
  instances: number,
): Promise<ServeRun> {
  const db = await createPostgresDatabase(serverUrl);
  const env = { KAFKA_BROKERS: brokers.join(','), KAFKA_GROUP_ID: groupId, DATABASE_URL: db.url, LOG_LEVEL: 'warn' };
  const services: ServiceProcess[] = [];
  for (let i = 0; i < instances; i++) services.push(await ServiceProcess.start(env));
  const cpuBefore = await Promise.all(services.map(processCpuSeconds));
  const started = process.hrtime.bigint();
  const client = new Client({ connectionString: db.url });
  await client.connect();
  for (let last = 0; ;) {
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    const committed = offsets[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    const end = ends.reduce((sum, p) => sum + Number(p.high), 0);
    const { rows } = await client.query<{ behind: string }>(
      'SELECT (SELECT coalesce(max(position), 0) FROM billing_events) - (SELECT position FROM projection_checkpoint) AS behind',
    );
    if (committed >= end && Number(rows[0]!.behind) === 0) break;
    if (Date.now() - last > 5000) {
      progress(`serve: ${committed}/${end} messages committed, projections ${rows[0]!.behind} positions behind`);
      last = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = await Promise.all(services.map(processCpuSeconds));
  await client.end();
  await Promise.all(services.map((service) => service.stop()));
  await db.drop();
  return { seconds, cpuSeconds: cpuAfter.reduce((sum, cpu, i) => sum + cpu - cpuBefore[i]!, 0) };
}

/** The service's own CPU time so far (prom-client's process metrics, from `process.cpuUsage`). */
async function processCpuSeconds(service: ServiceProcess): Promise<number> {
  const text = await (await fetch(`${service.base}/metrics`)).text();
  const read = (name: string) => {
    const match = new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text);
    if (!match) throw new Error(`/metrics has no ${name}`);
    return Number(match[1]);
  };
  return read('process_cpu_user_seconds_total') + read('process_cpu_system_seconds_total');
}

/**
 * From a period's end plus the grace to its first charge on `billing.charges`: the service
 * runs on a clock started 10 s before October 2025 becomes due (BILLING_CLOCK_START), with
 * the worked example ingested over HTTP. The clock starts after the process is spawned, so
 * timing from the spawn gives an upper bound of the latency.
 */
async function closeLatency(serverUrl: string, brokers: readonly string[]): Promise<Measure> {
  progress('latency: period end + grace → charge on billing.charges');
  const db = await createPostgresDatabase(serverUrl);
  const charges = `billing.charges.latency-${Date.now()}`;
  const kafka = new Kafka({ brokers: [...brokers], logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId: `latency-${Date.now()}` });
  await consumer.connect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: charges, numPartitions: 4 }] });
  await admin.disconnect();
  await consumer.subscribe({ topics: [charges], fromBeginning: true });
  let arrived = 0n;
  const first = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async () => {
        if (arrived === 0n) arrived = process.hrtime.bigint();
        resolve();
      },
    });
  });
  const spawned = process.hrtime.bigint();
  const service = await ServiceProcess.start({
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_GROUP_ID: 'bench-latency',
    KAFKA_TOPIC_CHARGES: charges,
    KAFKA_TOPIC_DEAD_LETTER: `${charges}.dead`,
    DATABASE_URL: db.url,
    BILLING_CLOCK_START: '2025-11-01T00:59:50+09:00',
    SCHEDULER_INTERVAL: '1s',
    BILLING_TARIFF: join(__dirname, '../fixtures/worked-example/tariff.json'),
  });
  const { readFileSync } = await import('node:fs');
  await fetch(`${service.base}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: readFileSync(join(__dirname, '../fixtures/worked-example/events-1.ndjson')),
  });
  await first;
  const seconds = Number(arrived - spawned) / 1e9 - 10;
  await consumer.disconnect();
  await service.stop();
  await db.drop();
  return {
    name: 'latency: period end + grace → charge on billing.charges (upper bound)',
    unit: 's',
    value: seconds,
    aim: '< 60 s',
    met: seconds < 60,
    lowerIsBetter: true,
  };
}

async function produceFile(kafka: Kafka, file: string, topic: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const { createInterface } = await import('node:readline');
  const { createReadStream } = await import('node:fs');
  let batch: { key: string; value: string }[] = [];
  let sent = 0;
  for await (const line of createInterface({ input: createReadStream(file) })) {
    const key = /"(?:orgId|holderOrgId)":"([^"]+)"/.exec(line)?.[1] ?? 'unknown';
    batch.push({ key, value: line });
    if (batch.length === 10_000) {
      await producer.send({ topic, messages: batch });
      sent += batch.length;
      batch = [];
      if (sent % 500_000 === 0) progress(`produced ${sent}`);
    }
  }
  if (batch.length > 0) await producer.send({ topic, messages: batch });
  await producer.disconnect();
}

async function bareConsume(kafka: Kafka, topic: string, count: number): Promise<void> {
  const consumer = kafka.consumer({ groupId: `bench-bare-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        seen += batch.messages.length;
        if (seen >= count) resolve();
      },
    });
  });
  await consumer.disconnect();
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
