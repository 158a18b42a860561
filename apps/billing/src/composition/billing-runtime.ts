import { EmbeddedClient } from '@smartme/adapters/sql/embedded-client';
import { loadTariffFile } from '@smartme/adapters/config/tariff-file';
import { EVENT_STORE_MIGRATIONS } from '@smartme/adapters/sql/event-store.schema';
import { migrate } from '@smartme/adapters/sql/migrations';
import { PROJECTION_MIGRATIONS } from '@smartme/adapters/sql/projections.schema';
import { SqlClient } from '@smartme/adapters/sql/sql-client';
import { SqlDeadLetterStore } from '@smartme/adapters/sql/sql-dead-letter-store';
import { sqlEventStoreBackend } from '@smartme/adapters/sql/sql-event-store-backend';
import { SqlExclusiveLock } from '@smartme/adapters/sql/sql-exclusive-lock';
import { SqlProjections } from '@smartme/adapters/sql/sql-projections';
import {
  BillingSettings,
  ChargeIssuance,
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
import { closeDecider } from '@smartme/domain';
import { Clock, DeadLetterStore, EventStore, EventStoreBackend, ProjectionStore, systemClock } from '@smartme/ports';
import { RuntimeOptions } from './runtime-options';

/** Every adapter and use case of one process, wired; the CLI and the NestJS app share it. */
export interface BillingRuntime {
  readonly settings: BillingSettings;
  /** The SQL store: projections, dead letters and locks (and the events, unless they live in EventStoreDB). */
  readonly client: SqlClient;
  /** Where the events and their outbox live. */
  readonly store: EventStoreBackend;
  /** The store's events (`store.events`). */
  readonly events: EventStore;
  readonly deadLetters: DeadLetterStore;
  readonly projections: ProjectionStore;
  readonly projector: Projector;
  readonly ingestion: Ingestion;
  /** Where decided charges enter the store (the close's and recompute's); `onIssued` wakes the outbox relay. */
  readonly issuance: ChargeIssuance;
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
  const sqlStore = sqlEventStoreBackend(client);
  // Loaded only when used: the EventStoreDB client brings gRPC, which other commands should not wait for.
  const store = options.eventStore
    ? (await import('@smartme/adapters/esdb')).openEsdbBackend(options.eventStore)
    : sqlStore;
  const { events } = store;
  const deadLetters = new SqlDeadLetterStore(client);
  const projections = new SqlProjections(client);
  const lock = new SqlExclusiveLock(client);
  const projector = new Projector(events, projections);
  // Intake pauses only when a store it writes does not answer: the events' and the dead letters' (SQL).
  const storesAnswer = async () => (await sqlStore.ready()) && (store === sqlStore || (await store.ready()));
  const ingestion = new Ingestion(events, deadLetters, clock, settings, storesAnswer);
  const decider = closeDecider(settings.tariff);
  const issuance = new ChargeIssuance(events, projector);
  return {
    settings,
    client,
    store,
    events,
    deadLetters,
    projections,
    projector,
    ingestion,
    issuance,
    close: new PeriodClose(projections, projector, lock, issuance, decider, settings),
    replay: new Replay(events, projections, lock),
    recompute: new Recompute(projections, projector, lock, issuance, decider, clock, settings),
    redrive: new Redrive(deadLetters, ingestion),
    reports: new Reports(projections, settings),
    explain: new Explain(events, projections, decider),
    shutdown: async () => {
      await store.close();
      await client.close();
    },
  };
}
