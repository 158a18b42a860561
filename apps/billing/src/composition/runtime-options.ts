import { ConfigurationError } from '@smartme/adapters/config/configuration-error';
// The connection settings only: the client behind the adapters' index loads gRPC, which a
// command that does not use EventStoreDB should not wait for.
import { EsdbConnectionSettings, esdbConnectionFromEnv } from '@smartme/adapters/esdb/esdb-connection';
import ms from 'ms';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the state lives and which tariff rates it, from flags or the environment (interfaces.md §3). */
export interface RuntimeOptions {
  readonly dataDir: string;
  readonly tariffPath: string;
  readonly databaseUrl: string | null;
  /** EventStoreDB/KurrentDB as the event store (`EVENTSTORE_CONNECTION_STRING`, `esdb://…`). */
  readonly eventStore?: EsdbConnectionSettings | null;
  readonly closeGraceMs?: number;
  readonly maxClockSkewMs?: number;
}

const SAMPLE_TARIFF_FILE = 'config/tariff.sample.json';

/**
 * The project's sample tariff, looked for upwards from this file: it runs from the sources
 * (apps/billing/src/composition) or from a build of them (dist/<build>/apps/billing/…).
 */
function findSampleTariff(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, SAMPLE_TARIFF_FILE))) return join(dir, SAMPLE_TARIFF_FILE);
    if (dirname(dir) === dir) return join(from, '../../../..', SAMPLE_TARIFF_FILE);
  }
}

export const SAMPLE_TARIFF = findSampleTariff(__dirname);

export function runtimeOptions(
  flags: { data?: string; tariff?: string },
  env: NodeJS.ProcessEnv = process.env,
): RuntimeOptions {
  return {
    dataDir: flags.data || env.BILLING_DATA_DIR || './data',
    tariffPath: flags.tariff || env.BILLING_TARIFF || SAMPLE_TARIFF,
    databaseUrl: env.DATABASE_URL || null,
    eventStore: esdbConnectionFromEnv(env),
    closeGraceMs: duration('CLOSE_GRACE', env.CLOSE_GRACE),
    maxClockSkewMs: duration('BILLING_MAX_CLOCK_SKEW', env.BILLING_MAX_CLOCK_SKEW),
  };
}

/** A duration setting such as `1h`, `90m`, `5 minutes` or milliseconds; unset or empty is undefined. */
export function duration(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = ms(text as ms.StringValue);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(`${name}=${text}: must be a duration such as 1h or 5m`);
  }
  return value;
}
