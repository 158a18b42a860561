import { Migration } from './migrations';

/**
 * The event store, its outbox and the dead letters.
 *
 * `billing_events`: one row per event, `position` the global order (an identity: gaps
 * where a transaction rolled back), `event_id` the idempotency key (a duplicate is told from
 * a conflict by comparing contents, see migration 006), `tx` the writing transaction, which readers compare
 * with their snapshot's xmin so that they never pass an event still being committed.
 * Few indexes, on purpose (each one costs every append): readers follow `position` (the
 * primary key, which also serves `headPosition`'s backward scan), appends look ids up in
 * the `event_id` index, and explain reads one organisation's history through
 * (org_id, type, position), added by migration 005 when it came to need one. No index on `tx`:
 * the visibility test only filters the rows a position range scan yields.
 *
 * `outbox`: charges waiting for publication, written in the transaction that stores them.
 * `dead_letters`: rejected input as received, whole; `seq` keeps "oldest first" stable for
 * letters received in the same transaction (they share `received_at`).
 */
export const EVENT_STORE_MIGRATIONS: Migration[] = [
  {
    id: '001-billing-events',
    sql: `
      CREATE TABLE billing_events (
        position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id text NOT NULL UNIQUE,
        type text NOT NULL,
        org_id text NOT NULL,
        source text NOT NULL,
        time text NOT NULL,
        data jsonb NOT NULL,
        content_hash text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        tx xid8 NOT NULL DEFAULT pg_current_xact_id()
      );
    `,
  },
  {
    id: '002-outbox',
    sql: `
      CREATE TABLE outbox (
        charge_id text PRIMARY KEY,
        position bigint NOT NULL REFERENCES billing_events (position),
        published_at timestamptz
      );
      CREATE INDEX outbox_unpublished ON outbox (position) WHERE published_at IS NULL;
    `,
  },
  {
    id: '003-dead-letters',
    sql: `
      CREATE TABLE dead_letters (
        id text PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        received_at timestamptz NOT NULL DEFAULT now(),
        source text NOT NULL,
        reason text NOT NULL,
        raw bytea NOT NULL,
        raw_hash text NOT NULL,
        event_id text,
        resolved_at timestamptz,
        UNIQUE (source, raw_hash)
      );
      CREATE INDEX dead_letters_unresolved ON dead_letters (seq) WHERE resolved_at IS NULL;
    `,
  },
  {
    // A dead letter keeps the whole input (interfaces.md §1): a Kafka message's key and
    // headers too. Headers are JSON text `[[name, base64 value], …]` in order, repeats
    // included: text, not jsonb, because jsonb refuses the \u0000 a header name may hold.
    // NULL headers: not from Kafka, or stored before they were kept (those rows stay as
    // they were; their Kafka parts are unknown).
    id: '004-dead-letters-kafka-parts',
    sql: `
      ALTER TABLE dead_letters ADD COLUMN kafka_key bytea;
      ALTER TABLE dead_letters ADD COLUMN kafka_headers text;
    `,
  },
  {
    // One organisation's history, type by type (EventStore.readOrganisation): explain reads
    // the charged organisation's events of the types its charge depends on, an index range
    // whatever the size of the store, and for an organisation of mostly verifications a
    // monthly fee does not read them. The cost is one more index entry per append.
    id: '005-billing-events-by-organisation',
    sql: `CREATE INDEX billing_events_by_organisation ON billing_events (org_id, type, position);`,
  },
  {
    // A duplicate is told from a conflict by comparing the stored content with the one sent,
    // in the database, and only for the ids that were already there (about 2 % of a
    // producer's events): hashing every event's canonical JSON on the way in cost a tenth
    // of ingest's CPU. Rows stored before keep their hash; nothing reads it any more.
    id: '006-content-compared-not-hashed',
    sql: `ALTER TABLE billing_events ALTER COLUMN content_hash DROP NOT NULL;`,
  },
];
