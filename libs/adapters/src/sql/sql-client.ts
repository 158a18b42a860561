/**
 * The little of SQL the adapters need, over PostgreSQL (`pg`) or PGlite: the same SQL
 * runs on both, so the embedded default behaves like production.
 */
export interface SqlClient {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs `work` with one connection of its own (for session-level locks). */
  withSession<T>(work: (session: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** `postgres` or `embedded`, for messages and metrics. */
  readonly kind: 'postgres' | 'embedded';
}

export type SqlExecutor = Pick<SqlClient, 'query'>;
