import { EsdbChargeOutbox } from '../../libs/adapters/src/esdb/esdb-charge-outbox';
import { EsdbEventStore } from '../../libs/adapters/src/esdb/esdb-event-store';
import { chargeIssued, idRegistered } from '../contract/event-store.contract';
import { FakeEsdbClient } from './fake-esdb-client';

describe('EsdbChargeOutbox (on the in-memory fake client)', () => {
  it('keeps its checkpoint in billing-outbox-checkpoint, capped, and moves it over quiet stretches too', async () => {
    const fake = new FakeEsdbClient();
    const store = new EsdbEventStore(fake.asClient(), { readPageSize: 10 });
    const outbox = new EsdbChargeOutbox(fake.asClient(), { readPageSize: 10, idleCheckpointMs: 0 });
    expect(await outbox.publishedCheckpoint()).toBe(0n);

    const [charge] = await store.appendCharges([chargeIssued('c-1')]);
    expect((await outbox.pending(10)).map((c) => c.event.id)).toEqual(['c-1']);
    await outbox.markPublished(['c-1']);
    expect(await outbox.publishedCheckpoint()).toBeGreaterThanOrEqual(charge!.position);
    expect(fake.streamRecords('$$billing-outbox-checkpoint').map((e) => e.data)).toEqual([{ maxCount: 16 }]);

    // Only input events since: nothing to publish, and the checkpoint follows the scan.
    const inputs = await store.append(Array.from({ length: 25 }, (_, i) => idRegistered(`r-${i}`)));
    expect(await outbox.backlog()).toBe(0);
    expect(await outbox.publishedCheckpoint()).toBeGreaterThanOrEqual(inputs[24]!.position);

    const restarted = new EsdbChargeOutbox(fake.asClient(), { readPageSize: 10 });
    expect(await restarted.publishedCheckpoint()).toBe(await outbox.publishedCheckpoint());
    expect(await restarted.pending(10)).toEqual([]);
    const checkpoints = fake.streamRecords('billing-outbox-checkpoint');
    expect(
      checkpoints.every(
        (e) => e.type === 'BillingOutboxCheckpoint' && typeof (e.data as { position: unknown }).position === 'string',
      ),
    ).toBe(true);
  });

  it('remembers ids marked before the scan reached them, and refuses a bad limit', async () => {
    const fake = new FakeEsdbClient();
    const store = new EsdbEventStore(fake.asClient());
    const outbox = new EsdbChargeOutbox(fake.asClient());
    await outbox.markPublished(['c-2']);
    await store.appendCharges([chargeIssued('c-1'), chargeIssued('c-2'), chargeIssued('c-3')]);
    expect((await outbox.pending(10)).map((c) => c.event.id)).toEqual(['c-1', 'c-3']);
    await expect(outbox.pending(0)).rejects.toThrow(RangeError);
    await outbox.markPublished([]);
  });

  it('charges stored by append (not appendCharges) are never queued', async () => {
    const fake = new FakeEsdbClient();
    const store = new EsdbEventStore(fake.asClient());
    await store.append([chargeIssued('c-1')]);
    expect(await new EsdbChargeOutbox(fake.asClient()).backlog()).toBe(0);
  });
});
