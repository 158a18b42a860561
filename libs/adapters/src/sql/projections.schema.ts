import { Migration } from './migrations';

/**
 * The read models. `usage_days` holds the domain's DailyCounters per organisation and
 * JST day; `id_timelines` each ID's ordered lifecycle, so a late event can be placed
 * and its counters corrected; `applications` the contract events, judged on read
 * under the tariff's terms versions.
 */
export const PROJECTION_MIGRATIONS: readonly Migration[] = [
  {
    id: '100-projections',
    sql: `
      CREATE TABLE projection_checkpoint (name text PRIMARY KEY, position bigint NOT NULL);
      INSERT INTO projection_checkpoint (name, position) VALUES ('billing', 0);
      CREATE TABLE id_timelines (
        org_id text NOT NULL, id_id text NOT NULL, timeline jsonb NOT NULL,
        PRIMARY KEY (org_id, id_id));
      CREATE TABLE usage_days (
        org_id text NOT NULL, day integer NOT NULL,
        registrations integer NOT NULL DEFAULT 0, active_change integer NOT NULL DEFAULT 0,
        verifications_counted integer NOT NULL DEFAULT 0, verifications_internal integer NOT NULL DEFAULT 0,
        PRIMARY KEY (org_id, day));
      CREATE TABLE applications (
        event_id text PRIMARY KEY, org_id text NOT NULL, sort_key text NOT NULL, event jsonb NOT NULL);
      CREATE INDEX applications_by_org ON applications (org_id, sort_key);
      CREATE TABLE charges (
        charge_id text PRIMARY KEY, org_id text NOT NULL, kind text NOT NULL, period text NOT NULL,
        revision integer NOT NULL, position bigint NOT NULL, event jsonb NOT NULL,
        UNIQUE (org_id, kind, period, revision));
    `,
  },
];
