import { EventStoreBackend } from '@smartme/ports';
import { SqlChargeOutbox } from './sql-charge-outbox';
import { SqlClient } from './sql-client';
import { SqlEventStore } from './sql-event-store';

/**
 * The event store and its outbox table on the service's SQL store (embedded or PostgreSQL).
 * The client is the caller's: projections, dead letters and locks share it, so closing the
 * backend leaves it open.
 */
export function sqlEventStoreBackend(client: SqlClient): EventStoreBackend {
  return {
    events: new SqlEventStore(client),
    outbox: new SqlChargeOutbox(client),
    ready: () =>
      client.query('SELECT 1').then(
        () => true,
        () => false,
      ),
    close: async () => undefined,
  };
}
