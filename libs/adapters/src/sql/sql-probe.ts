import { StoreProbe } from '@smartme/ports';
import { SqlClient } from './sql-client';

/** The SQL store answers a trivial query (within the client's own connection timeout). */
export function sqlStoreProbe(client: SqlClient): StoreProbe {
  return () =>
    client.query('SELECT 1').then(
      () => true,
      () => false,
    );
}
