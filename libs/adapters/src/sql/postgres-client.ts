import { Pool, PoolClient, types } from 'pg';
import { SqlClient, SqlExecutor } from './sql-client';

// Positions and counters are int8: read them as bigint, never as lossy JS numbers.
types.setTypeParser(types.builtins.INT8, (value: string) => BigInt(value));

/** PostgreSQL through a `pg` connection pool. */
export class PostgresClient implements SqlClient {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;

  constructor(connectionString: string, options: { max?: number; applicationName?: string } = {}) {
    this.pool = new Pool({
      connectionString,
      // A server that does not answer at all must fail the call, not hang it (and intake with it).
      connectionTimeoutMillis: 10_000,
      max: options.max ?? 6,
      application_name: options.applicationName ?? 'smartme-billing',
    });
    // An idle client that loses its server must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
  }

  async query<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(text, params as unknown[])).rows as Row[];
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.checkedOut(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(executorOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  withSession<T>(work: (session: SqlExecutor) => Promise<T>): Promise<T> {
    return this.checkedOut((client) => work(executorOf(client)));
  }

  /**
   * A client of the pool for the duration of `work`. A connection lost while checked out
   * makes the client emit 'error' besides failing the query in hand: unheard, that event
   * would end the process, so it is heard here, and a client that failed is discarded
   * instead of going back to the pool.
   */
  private async checkedOut<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      return await work(client);
    } catch (error) {
      broken ??= error instanceof Error && isConnectionLoss(error) ? error : undefined;
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/**
 * Not a statement's failure (an SQLSTATE) but the connection's: the driver's own errors,
 * connection exceptions (08…) and shutdowns (57P…). Such a client is not reused.
 */
function isConnectionLoss(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || /^(08|57P)/.test(code);
}

function executorOf(client: PoolClient): SqlExecutor {
  return {
    query: async <Row>(text: string, params: readonly unknown[] = []) =>
      (await client.query(text, params as unknown[])).rows as Row[],
  };
}
