/**
 * `node -r @swc-node/register test/bench/append-ceiling.ts --url postgres://…/some-server-db
 *   [--events 300000] [--appenders 1,2,4] [--batch 2000]`: how many events a second one
 * PostgreSQL takes through `SqlEventStore.append` alone (no validation, no projection: the
 * events are decoded before the clock starts), with 1, 2, … appenders on connections of
 * their own, each into a fresh database. Appends take turns on one advisory lock, so the
 * rate with several appenders is the ceiling of a whole consumer group, however many
 * instances it has (docs/scaling.md). Prints markdown.
 */
import { readFileSync } from 'node:fs';
import { decodeStructured, intakeContext } from '@smartme/application';
import { EventRecord } from '@smartme/ports';
import { createPostgresDatabase } from '../contract/event-store.contract';
import { EVENT_STORE_MIGRATIONS } from '../../libs/adapters/src/sql/event-store.schema';
import { migrate } from '../../libs/adapters/src/sql/migrations';
import { PostgresClient } from '../../libs/adapters/src/sql/postgres-client';
import { SqlEventStore } from '../../libs/adapters/src/sql/sql-event-store';
import { BENCHMARK_MIX, workload } from '../workload/workload';
import { progress } from './measure';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const option = (name: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : undefined);
  const url = option('url') ?? process.env.DATABASE_URL;
  if (!url) throw new Error('--url (or DATABASE_URL) must name a PostgreSQL server database to create databases from');
  const events = Number(option('events') ?? 300_000);
  const batch = Number(option('batch') ?? 2000);
  const appenders = (option('appenders') ?? '1,2').split(',').map(Number);
  const lines = option('file')
    ? readFileSync(option('file')!, 'utf8').split('\n').filter(Boolean).slice(0, events)
    : [...workload({ seed: 1, organisations: 10_000, events, mix: BENCHMARK_MIX })];
  const context = intakeContext(Date.parse('2027-01-01T00:00:00Z'));
  const records: EventRecord[] = [];
  for (const line of lines) {
    const intake = decodeStructured(line, context);
    if (intake.ok) records.push(intake.record);
  }
  const batches: EventRecord[][] = [];
  for (let i = 0; i < records.length; i += batch) batches.push(records.slice(i, i + batch));
  progress(`${records.length} events decoded, ${batches.length} batches of ${batch}`);

  process.stdout.write('| appenders | events/s | append of one batch, median (ms) |\n| ---: | ---: | ---: |\n');
  for (const count of appenders) {
    const database = await createPostgresDatabase(url);
    const clients = Array.from({ length: count }, () => new PostgresClient(database.url, { max: 1 }));
    await migrate(clients[0]!, EVENT_STORE_MIGRATIONS);
    const stores = clients.map((client) => new SqlEventStore(client));
    const latencies: number[] = [];
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      stores.map(async (store) => {
        for (let mine = next++; mine < batches.length; mine = next++) {
          const begun = process.hrtime.bigint();
          await store.append(batches[mine]!);
          latencies.push(Number(process.hrtime.bigint() - begun) / 1e6);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)]!;
    process.stdout.write(`| ${count} | ${Math.round(records.length / seconds)} | ${median.toFixed(1)} |\n`);
    await Promise.all(clients.map((client) => client.close()));
    await database.drop();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`append-ceiling failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
