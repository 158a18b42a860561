import { EsdbChargeOutbox } from '../../libs/adapters/src/esdb/esdb-charge-outbox';
import { EsdbEventStore, EsdbEventStoreOptions } from '../../libs/adapters/src/esdb/esdb-event-store';
import { EsdbStoreUnderTest, esdbEventStoreContract } from './esdb-contract';
import { FakeEsdbClient } from './fake-esdb-client';

/**
 * The ESDB contract against an in-memory fake of the client: it checks the adapter's logic
 * (guards, runs, read-back, positions between records, paging, the outbox checkpoint), not
 * ESDB. Small pages so that every read crosses page boundaries.
 */
esdbEventStoreContract('EventStoreDB adapter on an in-memory fake client (logic only, not a server)', async () => {
  const fake = new FakeEsdbClient();
  const storeOf = (options: EsdbEventStoreOptions = {}): EsdbEventStore =>
    new EsdbEventStore(fake.asClient(), { readPageSize: 37, ...options });
  const subjectOf = (store: EsdbEventStore): EsdbStoreUnderTest => ({
    store,
    client: fake.asClient(),
    outbox: () => new EsdbChargeOutbox(fake.asClient(), { readPageSize: 37 }),
    another: storeOf,
    reopen: async () => subjectOf(storeOf()),
    cleanup: async () => undefined,
  });
  return subjectOf(storeOf());
});
