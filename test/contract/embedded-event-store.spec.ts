import { embeddedTestDatabase, eventStoreContract, storeOn } from './event-store.contract';

/** The embedded default: PGlite in a data directory of its own. */
eventStoreContract('embedded (PGlite)', async () => storeOn(await embeddedTestDatabase()));
