import { join } from 'node:path';

/** Where the state lives and which tariff rates it, from flags or the environment (interfaces.md §3). */
export interface RuntimeOptions {
  readonly dataDir: string;
  readonly tariffPath: string;
  readonly databaseUrl: string | null;
  readonly closeGraceMs?: number;
  readonly maxClockSkewMs?: number;
}

export const SAMPLE_TARIFF = join(__dirname, '../../../../config/tariff.sample.json');

export function runtimeOptions(flags: { data?: string; tariff?: string }, env: NodeJS.ProcessEnv = process.env): RuntimeOptions {
  return {
    dataDir: flags.data ?? env.BILLING_DATA_DIR ?? './data',
    tariffPath: flags.tariff ?? env.BILLING_TARIFF ?? SAMPLE_TARIFF,
    databaseUrl: env.DATABASE_URL || null,
  };
}
