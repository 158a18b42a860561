import { PGlite, Transaction, types } from '@electric-sql/pglite';
import { AsyncLocalStorage } from 'node:async_hooks';
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

  /**
   * The transaction the current async call chain runs in. PGlite has one connection: a
   * query made outside a running transaction waits for it to end, so a query issued from
   * within one (say, reading events while a replay rewrites the projections) would wait
   * for itself. Such queries join the transaction instead.
   */
  private readonly current = new AsyncLocalStorage<Transaction>();

  private constructor(
    private readonly db: PGlite,
    private readonly unlock: () => Promise<void>,
  ) {}

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
    return (await (this.current.getStore() ?? this.db).query<Row>(text, params as unknown[])).rows;
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const open = this.current.getStore();
    if (open) return work(executorOf(open));
    return this.db.transaction((tx) => this.current.run(tx, () => work(executorOf(tx))));
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

function executorOf(tx: Transaction): SqlExecutor {
  return {
    query: async <Row>(text: string, params: readonly unknown[] = []) =>
      (await tx.query<Row>(text, params as unknown[])).rows,
  };
}
