import { EventStoreDBClient } from '@eventstore/db-client';
import { EsdbChargeOutbox, EsdbChargeOutboxOptions } from './esdb-charge-outbox';
import { EsdbConnectionSettings } from './esdb-connection';
import { EsdbEventStore, EsdbEventStoreOptions } from './esdb-event-store';

/** The event store and its charge outbox on one EventStoreDB client, for the composition root. */
export interface EsdbBackend {
  readonly events: EsdbEventStore;
  readonly outbox: EsdbChargeOutbox;
  /** Whether the server answers (for /health/ready). */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens the client for a connection string checked by esdbConnectionFromEnv. The client
 * connects lazily: an unreachable server shows on the first call (and in ready()), not here.
 */
export function openEsdbBackend(
  settings: EsdbConnectionSettings,
  options: { readonly store?: EsdbEventStoreOptions; readonly outbox?: EsdbChargeOutboxOptions } = {},
): EsdbBackend {
  const client = EventStoreDBClient.connectionString(settings.connectionString);
  const events = new EsdbEventStore(client, options.store);
  const outbox = new EsdbChargeOutbox(client, { streamPrefix: events.names.prefix, ...options.outbox });
  return { events, outbox, ready: () => events.ping(), close: () => client.dispose() };
}
