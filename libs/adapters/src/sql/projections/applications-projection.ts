import { ContractEvent, StoredEvent, applicationSortKey, organisationOf } from '@smartme/domain';
import { SqlExecutor } from '../sql-client';
import { PAGE_OF_ORGANISATIONS, ProjectedEvent, SqlProjection, chunks } from './sql-projection';

/**
 * The `applications` read model: every contract application as sent, in evaluation order
 * (`sort_key`: event time, ties by id). They are judged when read, under the tariff's terms
 * versions, so a new terms version needs no rebuild.
 */
export const applicationsProjection: SqlProjection<ContractEvent> = {
  name: 'applications',

  canHandle(event: StoredEvent): event is ContractEvent {
    switch (event.type) {
      case 'ContractOpened':
      case 'IdServiceAdded':
      case 'HeadcountChanged':
      case 'ContractClosed':
        return true;
      case 'IdRegistered':
      case 'IdRevoked':
      case 'CredentialVerified':
      case 'ChargeIssued':
      case 'ChargeAdjusted':
        return false;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },

  async apply(tx: SqlExecutor, events: readonly ProjectedEvent<ContractEvent>[]): Promise<void> {
    for (const chunk of chunks(events.map(({ event }) => event))) {
      await tx.query(
        `INSERT INTO applications (event_id, org_id, sort_key, event)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) ON CONFLICT (event_id) DO NOTHING`,
        [
          chunk.map((e) => e.id),
          chunk.map((e) => organisationOf(e)),
          chunk.map(applicationSortKey),
          chunk.map((e) => JSON.stringify(e)),
        ],
      );
    }
  },
};

/** The applications of a page of organisations, each organisation's in evaluation order. */
export async function applicationsOf(
  client: SqlExecutor,
  orgIds: readonly string[],
): Promise<{ org_id: string; event: ContractEvent }[]> {
  return client.query<{ org_id: string; event: ContractEvent }>(
    `SELECT org_id, event FROM applications WHERE ${PAGE_OF_ORGANISATIONS} ORDER BY org_id, sort_key`,
    [orgIds],
  );
}
