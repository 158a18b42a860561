import { PGlite, types } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import { lockDataDir } from './data-dir-lock';
import { SqlClient, SqlExecutor } from './sql-client';

/**
 * The embedded store: PGlite (PostgreSQL compiled to WebAssembly) persisted in a data
 * directory, so `npm start` needs no server. One process owns a data directory at a
 * time (a lock file), since PGlite cannot share its files between processes; others wait.
 */
export class EmbeddedClient implements SqlClient {
  readonly kind = 'embedded' as const;

  private constructor(private readonly db: PGlite, private readonly unlock: () => Promise<void>) {}

  static async open(dataDir: string, options: { lockWaitMs?: number } = {}): Promise<EmbeddedClient> {
    mkdirSync(dataDir, { recursive: true });
    const unlock = await lockDataDir(dataDir, { waitMs: options.lockWaitMs });
    try {
      const db = await PGlite.create(`${dataDir}/pg`, { parsers: { [types.INT8]: (value: string) => BigInt(value) } });
      return new EmbeddedClient(db, unlock);
    } catch (error) {
      await unlock();
      throw error;
    }
  }

  async query<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.db.query<Row>(text, params as unknown[])).rows;
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({ query: async <Row>(text: string, params: readonly unknown[] = []) => (await tx.query<Row>(text, params as unknown[])).rows }));
  }

  /** PGlite has one connection: the session is the database itself. */
  withSession<T>(work: (session: SqlExecutor) => Promise<T>): Promise<T> {
    return work(this);
  }

  async close(): Promise<void> {
    await this.db.close();
    await this.unlock();
  }
}
