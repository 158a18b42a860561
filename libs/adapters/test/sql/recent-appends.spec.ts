import fc from 'fast-check';
import { StoredEvent } from '@smartme/domain';
import { RecordedEvent } from '@smartme/ports';
import { ClaimedAppend, RecentAppends } from '../../src/sql/recent-appends';

const recorded = (position: number): RecordedEvent => ({
  event: { id: `e-${position}`, type: 'IdRegistered', time: '2025-10-12T09:30:00+09:00', data: {} } as StoredEvent,
  source: 'identity-platform',
  position: BigInt(position),
});

const claim = (after: number, positions: readonly number[], tx = 1): ClaimedAppend => ({
  after: BigInt(after),
  events: positions.map(recorded),
  tx: BigInt(tx),
});

const positionsOf = (found: { events: RecordedEvent[] } | null) => found?.events.map((e) => Number(e.position)) ?? null;

describe('RecentAppends', () => {
  it('hands over the run of claims that joins up with the reader, gaps inside a claim included', () => {
    const recent = new RecentAppends();
    recent.add(claim(10, [11, 13, 14], 7)); // 12: a position a conflicting row consumed
    recent.add(claim(14, [15, 16], 9));
    expect(positionsOf(recent.following(10n, 100))).toEqual([11, 13, 14, 15, 16]);
    expect(positionsOf(recent.following(13n, 100))).toEqual([14, 15, 16]);
    expect(recent.following(10n, 100)?.youngestTx).toBe(9n);
    expect(recent.following(13n, 1)?.youngestTx).toBe(7n);
  });

  it('stops where the claims break, and has nothing for a reader outside them', () => {
    const recent = new RecentAppends();
    recent.add(claim(10, [11, 12]));
    recent.add(claim(13, [14])); // 13 was taken by someone else
    expect(positionsOf(recent.following(10n, 100))).toEqual([11, 12]);
    expect(positionsOf(recent.following(13n, 100))).toEqual([14]);
    expect(recent.following(9n, 100)).toBeNull();
    expect(recent.following(12n, 100)).toBeNull();
    expect(recent.following(14n, 100)).toBeNull();
  });

  it('hands over at most the limit, and forgets the oldest claims beyond its capacity', () => {
    const recent = new RecentAppends(3);
    recent.add(claim(0, [1, 2]));
    recent.add(claim(2, [3, 4]));
    expect(positionsOf(recent.following(2n, 1))).toEqual([3]);
    expect(recent.following(0n, 100)).toBeNull();
    expect(positionsOf(recent.following(2n, 100))).toEqual([3, 4]);
  });

  it('never skips a position anyone else holds: what it hands over is what a read of the table returns first', () => {
    // A table written by this process (claims) and by others, positions from one sequence.
    const writes = fc.array(
      fc.record({
        ours: fc.boolean(),
        // per position taken: stored (true) or left empty by a conflicting row (false)
        taken: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(writes, fc.nat(120), fc.integer({ min: 1, max: 12 }), (batches, from, limit) => {
        const recent = new RecentAppends(1_000);
        const table: number[] = [];
        let sequence = 0;
        for (const { ours, taken } of batches) {
          const after = sequence;
          const stored: number[] = [];
          for (const keeps of taken) {
            sequence += 1;
            if (keeps) stored.push(sequence);
          }
          table.push(...stored);
          if (ours) recent.add(claim(after, stored));
        }
        const found = positionsOf(recent.following(BigInt(from), limit));
        if (found === null) return;
        const read = table.filter((position) => position > from).slice(0, found.length);
        expect(found).toEqual(read);
        expect(found.length).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 2_000 },
    );
  });
});
