import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What ingest's guarantees cost when plain SQL provides them: the same lines, in batches of
 * the size the CLI commits, each batch copied into a staging table and inserted with the
 * same idempotency (`ON CONFLICT (event_id) DO NOTHING` on a unique text id, the event kept
 * as a jsonb document, a position from a sequence) and committed before the next. It
 * validates nothing and projects nothing: a floor, not a rival.
 */
export function sqlFloor(databaseUrl: string, file: string, batchLines: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'bench-floor-'));
  try {
    execFileSync('split', ['-l', String(batchLines), '-a', '6', file, join(dir, 'batch-')]);
    const batches = readdirSync(dir)
      .filter((name) => name.startsWith('batch-'))
      .sort();
    const script = [
      'CREATE UNLOGGED TABLE staging (line text);',
      'CREATE TABLE floor_events (position bigserial PRIMARY KEY, event_id text NOT NULL UNIQUE, doc jsonb NOT NULL);',
      ...batches.map((name) =>
        [
          'BEGIN;',
          `\\copy staging (line) FROM '${join(dir, name)}' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`,
          "INSERT INTO floor_events (event_id, doc) SELECT line::jsonb->>'id', line::jsonb FROM staging ON CONFLICT (event_id) DO NOTHING;",
          'TRUNCATE staging;',
          'COMMIT;',
        ].join('\n'),
      ),
    ].join('\n');
    writeFileSync(join(dir, 'floor.sql'), script);
    execFileSync('psql', [databaseUrl, '-q', '-v', 'ON_ERROR_STOP=1', '-f', join(dir, 'floor.sql')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
