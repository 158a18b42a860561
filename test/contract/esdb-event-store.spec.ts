/**
 * The event store contract on a real EventStoreDB/KurrentDB (test/infra/server-origin.ts):
 * - EVENTSTORE_CONNECTION_STRING set: that server (the store's streams get a random prefix,
 *   so runs never see each other's events; the connection needs the right to read `$all`);
 * - else a Docker engine answering (as testcontainers finds one): a throwaway KurrentDB
 *   container (test/infra/containers.ts; KURRENTDB_IMAGE overrides the image);
 * - else one test that says why the suite did not run (the project forbids `.skip`): there
 *   is no way to start KurrentDB here without Docker.
 * The cases are esdbEventStoreContract (test/esdb/esdb-contract.ts): the shared suite's
 * (eventStoreContract, looking into the store through its own means) and ESDB's own.
 */
import { randomBytes } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { EsdbChargeOutbox } from '../../libs/adapters/src/esdb/esdb-charge-outbox';
import { parseEsdbConnectionString } from '../../libs/adapters/src/esdb/esdb-connection';
import { EsdbEventStore, EsdbEventStoreOptions } from '../../libs/adapters/src/esdb/esdb-event-store';
import { EsdbStoreUnderTest, esdbEventStoreContract } from '../esdb/esdb-contract';
import { containersAvailableSync, serverOrigin } from '../infra/server-origin';

async function subjectOn(connectionString: string, stop: () => Promise<void>): Promise<EsdbStoreUnderTest> {
  const settings = parseEsdbConnectionString(connectionString);
  const streamPrefix = `t${randomBytes(5).toString('hex')}`;
  const clients: EventStoreDBClient[] = [];
  const client = (): EventStoreDBClient => {
    const opened = EventStoreDBClient.connectionString(settings.connectionString);
    clients.push(opened);
    return opened;
  };
  const shared = client();
  const storeOf = (options: EsdbEventStoreOptions = {}): EsdbEventStore =>
    new EsdbEventStore(shared, { streamPrefix, ...options });
  const subjectOf = (store: EsdbEventStore): EsdbStoreUnderTest => ({
    store,
    client: shared,
    outbox: () => new EsdbChargeOutbox(shared, { streamPrefix }),
    another: storeOf,
    // A restart: a store on a client of its own.
    reopen: async () => subjectOf(new EsdbEventStore(client(), { streamPrefix })),
    cleanup: async () => {
      await Promise.all(clients.map((opened) => opened.dispose()));
      await stop();
    },
  });
  return subjectOf(storeOf());
}

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING?.trim() ?? '';
const origin = serverOrigin(connectionString, containersAvailableSync());

if (origin === 'environment') {
  esdbEventStoreContract('EventStoreDB/KurrentDB at EVENTSTORE_CONNECTION_STRING', () =>
    subjectOn(connectionString, () => Promise.resolve()),
  );
} else if (origin === 'container') {
  esdbEventStoreContract('KurrentDB in a throwaway container (testcontainers)', async () => {
    const container = await (await import('../infra/containers')).kurrentDbContainer();
    return subjectOn(container.address, () => container.stop());
  });
} else {
  describe('event store contract: EventStoreDB/KurrentDB', () => {
    it('EventStoreDB contract: not run here — no EVENTSTORE_CONNECTION_STRING and no Docker engine', () => {
      console.warn(
        'EventStoreDB contract suite NOT RUN: no EVENTSTORE_CONNECTION_STRING and no Docker engine. Set ' +
          'EVENTSTORE_CONNECTION_STRING=esdb://host:2113?tls=false (a user that may read $all) or provide a Docker ' +
          'engine to run it. test/esdb runs the same cases on an in-memory fake of the client.',
      );
      expect(origin).toBe('local');
    });
  });
}
