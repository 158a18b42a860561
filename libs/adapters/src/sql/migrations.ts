import { SqlClient, SqlExecutor } from './sql-client';

/**
 * One schema change. `id` is recorded once applied and must never change; `sql` may hold
 * several statements separated by `;` (they are sent one by one: PGlite's `query` runs one
 * statement at a time).
 */
export interface Migration {
  readonly id: string;
  readonly sql: string;
}

/**
 * The transaction-scoped advisory lock every migration runs under, so that two processes
 * starting at once on the same PostgreSQL database take turns instead of racing on
 * `CREATE TABLE`. (PGlite has the same lock manager; it is single-process anyway.)
 */
export const MIGRATION_LOCK_KEY = 7_302_114_902_001n;

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in the given order, each
 * in its own transaction together with its record: a migration is applied entirely or not
 * at all, and exactly once even when several processes migrate at the same time.
 */
export async function migrate(client: SqlClient, migrations: readonly Migration[]): Promise<void> {
  assertDistinctIds(migrations);
  // Every command migrates first, and nearly always finds nothing to do: one plain read then,
  // without the lock and the DDL below (a tenth of a second of a CLI command's start).
  if (await allApplied(client, migrations)) return;
  const applied = await client.transaction(async (tx) => {
    await lockMigrations(tx);
    await tx.query(CREATE_MIGRATIONS_TABLE);
    return new Set((await tx.query<{ id: string }>('SELECT id FROM schema_migrations')).map((row) => row.id));
  });
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    await client.transaction(async (tx) => {
      await lockMigrations(tx);
      // Another process may have applied it between our check and our lock.
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [migration.id]);
      if (done.length > 0) return;
      for (const statement of splitSqlStatements(migration.sql)) {
        try {
          await tx.query(statement);
        } catch (error) {
          throw new Error(
            `migration ${migration.id} failed: ${error instanceof Error ? error.message : String(error)}\n${statement}`,
            { cause: error },
          );
        }
      }
      await tx.query('INSERT INTO schema_migrations (id, applied_at) VALUES ($1, now())', [migration.id]);
    });
  }
}

async function allApplied(client: SqlClient, migrations: readonly Migration[]): Promise<boolean> {
  let rows: { id: string }[];
  try {
    rows = await client.query<{ id: string }>('SELECT id FROM schema_migrations');
  } catch {
    return false; // a new database: no schema_migrations yet
  }
  const applied = new Set(rows.map((row) => row.id));
  return migrations.every((migration) => applied.has(migration.id));
}

async function lockMigrations(tx: SqlExecutor): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
}

function assertDistinctIds(migrations: readonly Migration[]): void {
  const seen = new Set<string>();
  for (const { id } of migrations) {
    if (id.trim() === '') throw new Error('a migration has an empty id');
    if (seen.has(id)) throw new Error(`migration id ${id} appears twice`);
    seen.add(id);
  }
}

/**
 * Splits SQL text into statements at top-level `;`, leaving semicolons inside quoted
 * strings ('…', E'…'), quoted identifiers ("…"), dollar-quoted bodies ($$…$$, $tag$…$tag$)
 * and comments alone. Empty statements (and comment-only ones) are dropped.
 */
export function splitSqlStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number): void => {
    const statement = sql.slice(start, end).trim();
    if (stripComments(statement).trim() !== '') statements.push(statement);
  };
  while (i < sql.length) {
    const char = sql[i]!;
    const next = sql[i + 1];
    if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (char === '/' && next === '*') {
      i = skipBlockComment(sql, i);
    } else if (char === "'") {
      const escapes = i > 0 && /[eE]/.test(sql[i - 1]!) && (i < 2 || !/[\w$]/.test(sql[i - 2]!));
      i = skipQuoted(sql, i, "'", escapes);
    } else if (char === '"') {
      i = skipQuoted(sql, i, '"', false);
    } else if (char === '$') {
      const tag = /^\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$/.exec(sql.slice(i));
      const previous = i > 0 ? sql[i - 1]! : ' ';
      if (tag && !/[\w$]/.test(previous)) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        if (end === -1) throw new Error(`unterminated dollar-quoted string ${tag[0]} in migration SQL`);
        i = end + tag[0].length;
      } else {
        i += 1;
      }
    } else if (char === ';') {
      push(i);
      i += 1;
      start = i;
    } else {
      i += 1;
    }
  }
  push(sql.length);
  return statements;
}

function skipQuoted(sql: string, open: number, quote: string, backslashEscapes: boolean): number {
  let i = open + 1;
  while (i < sql.length) {
    const char = sql[i]!;
    if (backslashEscapes && char === '\\') {
      i += 2;
    } else if (char === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  throw new Error(`unterminated ${quote} quote in migration SQL`);
}

function skipBlockComment(sql: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  throw new Error('unterminated block comment in migration SQL');
}

function stripComments(statement: string): string {
  return statement.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}
