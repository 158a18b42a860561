import { ExclusiveLock } from '@smartme/ports';
import { SqlClient } from './sql-client';

/**
 * A named lock across every process sharing the store: a PostgreSQL session advisory
 * lock held on its own connection for the whole work (the embedded store is owned by
 * one process already). Work in the same process is queued as well.
 */
export class SqlExclusiveLock implements ExclusiveLock {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly client: SqlClient) {}

  runExclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(name) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(() =>
        this.client.withSession(async (session) => {
          if (this.client.kind === 'embedded') return work();
          await session.query('SELECT pg_advisory_lock(hashtext($1))', [`smartme-billing:${name}`]);
          try {
            return await work();
          } finally {
            await session.query('SELECT pg_advisory_unlock(hashtext($1))', [`smartme-billing:${name}`]);
          }
        }),
      );
    this.queues.set(name, run);
    return run;
  }
}
