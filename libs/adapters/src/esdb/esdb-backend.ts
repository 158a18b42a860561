import { EventStoreDBClient } from '@eventstore/db-client';
import { EventStoreBackend } from '@smartme/ports';
import { EsdbChargeOutbox, EsdbChargeOutboxOptions } from './esdb-charge-outbox';
import { EsdbConnectionSettings } from './esdb-connection';
import { EsdbEventStore, EsdbEventStoreOptions } from './esdb-event-store';

/**
 * The event store and its charge outbox on one EventStoreDB client, opened for a connection
 * string checked by esdbConnectionFromEnv. The client connects lazily: an unreachable server
 * shows on the first call (and in ready()), not here.
 */
export function openEsdbBackend(
  settings: EsdbConnectionSettings,
  options: { readonly store?: EsdbEventStoreOptions; readonly outbox?: EsdbChargeOutboxOptions } = {},
): EventStoreBackend {
  const client = EventStoreDBClient.connectionString(settings.connectionString);
  const events = new EsdbEventStore(client, options.store);
  const outbox = new EsdbChargeOutbox(client, { streamPrefix: events.names.prefix, ...options.outbox });
  return { events, outbox, ready: () => events.ping(), close: () => client.dispose() };
}
