import { EmbeddedClient } from '@smartme/adapters/sql/embedded-client';
import { SqlChargeOutbox } from '@smartme/adapters/sql/sql-charge-outbox';
import { loadTariffFile } from '@smartme/adapters/config/tariff-file';
import { EVENT_STORE_MIGRATIONS } from '@smartme/adapters/sql/event-store.schema';
import { migrate } from '@smartme/adapters/sql/migrations';
import { PROJECTION_MIGRATIONS } from '@smartme/adapters/sql/projections.schema';
import { SqlClient } from '@smartme/adapters/sql/sql-client';
import { SqlDeadLetterStore } from '@smartme/adapters/sql/sql-dead-letter-store';
import { SqlEventStore } from '@smartme/adapters/sql/sql-event-store';
import { SqlExclusiveLock } from '@smartme/adapters/sql/sql-exclusive-lock';
import { SqlProjections } from '@smartme/adapters/sql/sql-projections';
import {
  BillingSettings,
  Explain,
  Ingestion,
  PeriodClose,
  Projector,
  Recompute,
  Redrive,
  Replay,
  Reports,
  billingSettings,
} from '@smartme/application';
import { ChargeOutbox, Clock, DeadLetterStore, EventStore, ProjectionStore, systemClock } from '@smartme/ports';
import { RuntimeOptions } from './runtime-options';

/** Every adapter and use case of one process, wired; the CLI and the NestJS app share it. */
export interface BillingRuntime {
  readonly settings: BillingSettings;
  readonly client: SqlClient;
  readonly events: EventStore;
  /** Charges waiting for publication: outbox rows in SQL, or the charge events themselves in EventStoreDB. */
  readonly chargeOutbox: ChargeOutbox;
  /** Whether the event store answers (the SQL store is checked through `client`). */
  eventStoreReady(): Promise<boolean>;
  readonly deadLetters: DeadLetterStore;
  readonly projections: ProjectionStore;
  readonly projector: Projector;
  readonly ingestion: Ingestion;
  readonly close: PeriodClose;
  readonly replay: Replay;
  readonly recompute: Recompute;
  readonly redrive: Redrive;
  readonly reports: Reports;
  readonly explain: Explain;
  shutdown(): Promise<void>;
}

export async function openBillingRuntime(options: RuntimeOptions, clock: Clock = systemClock): Promise<BillingRuntime> {
  // The tariff is checked before anything is opened: a bad file is a configuration error.
  const settings = billingSettings(loadTariffFile(options.tariffPath), options);
  // Adapters a command may not use are loaded when used: pg, and EventStoreDB's gRPC client
  // (about 60 ms), would otherwise slow the start of every command.
  const client: SqlClient = options.databaseUrl
    ? new (await import('@smartme/adapters/sql/postgres-client')).PostgresClient(options.databaseUrl)
    : await EmbeddedClient.open(options.dataDir);
  try {
    await migrate(client, [...EVENT_STORE_MIGRATIONS, ...PROJECTION_MIGRATIONS]);
  } catch (error) {
    await client.close();
    throw error;
  }
  // With EVENTSTORE_CONNECTION_STRING the events live in EventStoreDB/KurrentDB; the SQL
  // store (embedded or PostgreSQL) still keeps projections, dead letters and the locks.
  const esdb = options.eventStore ? (await import('@smartme/adapters/esdb')).openEsdbBackend(options.eventStore) : null;
  const events: EventStore = esdb?.events ?? new SqlEventStore(client);
  const chargeOutbox: ChargeOutbox = esdb?.outbox ?? new SqlChargeOutbox(client);
  const deadLetters = new SqlDeadLetterStore(client);
  const projections = new SqlProjections(client);
  const lock = new SqlExclusiveLock(client);
  const projector = new Projector(events, projections);
  const ingestion = new Ingestion(events, deadLetters, clock, settings);
  return {
    settings,
    client,
    events,
    chargeOutbox,
    deadLetters,
    projections,
    projector,
    ingestion,
    eventStoreReady: async () => (esdb ? esdb.ready() : true),
    close: new PeriodClose(events, projections, projector, lock, settings),
    replay: new Replay(events, projections, lock),
    recompute: new Recompute(events, projections, projector, lock, clock, settings),
    redrive: new Redrive(deadLetters, ingestion),
    reports: new Reports(projections, settings),
    explain: new Explain(events, projections, settings),
    shutdown: async () => {
      await esdb?.close();
      await client.close();
    },
  };
}
