import {
  GUARD_CLAIMED,
  GUARD_RECLAIMED,
  GUARD_STORED,
  GuardRecord,
  claimEventOf,
  guardStateOf,
  reclaimEventOf,
  storedEventOf,
} from '../../libs/adapters/src/esdb/esdb-guard';
import { prepareEvent } from '../../libs/adapters/src/esdb/esdb-event-mapping';
import { EsdbStreamNames } from '../../libs/adapters/src/esdb/esdb-names';
import { mapLimit } from '../../libs/adapters/src/esdb/concurrency';
import { runsOf } from '../../libs/adapters/src/esdb/esdb-append-runs';
import { idRegistered } from '../contract/event-store.contract';

const names = new EsdbStreamNames();
const prepared = prepareEvent(idRegistered('e-1'), names, { outbox: false });
const at = (seconds: number): Date => new Date(Date.UTC(2025, 10, 1, 0, 0, seconds));
const stored = (data: unknown, revision: bigint, created: Date): GuardRecord => ({
  type: GUARD_STORED,
  revision,
  created,
  data,
});
/** Guard events as they come back: JSON through the wire. */
const wire = (event: { type: string; data: unknown }, revision: bigint, created: Date): GuardRecord => ({
  type: event.type,
  revision,
  created,
  data: JSON.parse(JSON.stringify(event.data)),
});

describe('the guard of an event id', () => {
  it('does not exist before a claim', () => {
    expect(guardStateOf([], 'billing-id-x')).toBeNull();
  });

  it('is in doubt while claimed (since the claim, then since a takeover), stored once marked', () => {
    const claim = wire(claimEventOf(prepared, 41n), 0n, at(0));
    const claimed = guardStateOf([claim], 'g');
    expect(claimed).toEqual({
      kind: 'in-doubt',
      lastRevision: 0n,
      since: at(0),
      claim: {
        cloudEventId: 'e-1',
        stream: 'billing-org-acme',
        searchFrom: 41n,
        contentHash: prepared.contentHash,
        type: 'IdRegistered',
        data: prepared.data,
        metadata: prepared.metadata,
      },
    });
    expect(guardStateOf([claim, wire(reclaimEventOf(), 1n, at(90))], 'g')).toMatchObject({
      kind: 'in-doubt',
      lastRevision: 1n,
      since: at(90),
    });
    expect(
      guardStateOf([claim, wire(storedEventOf(9_007_199_254_740_993n, prepared.contentHash), 1n, at(1))], 'g'),
    ).toMatchObject({
      kind: 'stored',
      position: 9_007_199_254_740_993n,
      contentHash: prepared.contentHash,
    });
    expect(guardStateOf([wire(claimEventOf(prepared, null), 0n, at(0))], 'g')).toMatchObject({
      claim: { searchFrom: null },
    });
  });

  it('gives its events random ids: a second claim must never pass for a retry of the first', () => {
    expect(claimEventOf(prepared, null).id).not.toBe(claimEventOf(prepared, null).id);
    expect(claimEventOf(prepared, null).type).toBe(GUARD_CLAIMED);
    expect(reclaimEventOf().type).toBe(GUARD_RECLAIMED);
  });

  it('refuses a guard it did not write', () => {
    const claim = wire(claimEventOf(prepared, null), 0n, at(0));
    expect(() => guardStateOf([stored({}, 0n, at(0))], 'billing-id-x')).toThrow(
      /billing-id-x: does not start with BillingIdClaimed/,
    );
    expect(() => guardStateOf([claim, stored({ position: '5', contentHash: 'other' }, 1n, at(0))], 'g')).toThrow(
      /stored content hash differs/,
    );
    expect(() =>
      guardStateOf([{ ...claim, data: { ...(claim.data as object), contentHash: undefined } }], 'g'),
    ).toThrow(/claim/);
  });
});

describe('appending in runs', () => {
  const event = (stream: string, size = 10) => ({ stream, data: { x: 'y'.repeat(size) }, metadata: {} });

  it('groups consecutive events of one stream, in order', () => {
    const events = [event('a'), event('a'), event('b'), event('a'), event('a')];
    expect(runsOf(events)).toEqual([[events[0], events[1]], [events[2]], [events[3], events[4]]]);
    expect(runsOf([])).toEqual([]);
  });

  it('splits a run at 500 events or about 512 KiB (ESDB refuses appends over 1 MiB)', () => {
    expect(runsOf(Array.from({ length: 1201 }, () => event('a'))).map((run) => run.length)).toEqual([500, 500, 201]);
    // Multi-byte characters count as the bytes they are.
    expect(
      runsOf(
        Array.from({ length: 6 }, () => event('a', 40_000).data.x.replace(/y/g, 'あ')).map((x) => ({
          stream: 'a',
          data: { x },
          metadata: {},
        })),
      ).map((run) => run.length),
    ).toEqual([4, 2]);
  });

  it('maps with bounded concurrency, results in order', async () => {
    let running = 0,
      peak = 0;
    const results = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      peak = Math.max(peak, ++running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
