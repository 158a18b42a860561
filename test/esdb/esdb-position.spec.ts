import {
  allPositionOf,
  positionFromText,
  positionToText,
  readStartFor,
  storePositionOf,
} from '../../libs/adapters/src/esdb/esdb-position';
import { comparePositions } from '../../libs/adapters/src/esdb/esdb-log';

describe('ESDB positions', () => {
  it('an event of ours is at (p, p): its store position is p', () => {
    expect(storePositionOf({ commit: 4242n, prepare: 4242n }, 'e')).toBe(4242n);
    expect(storePositionOf({ commit: 9_223_372_036_854_775_807n, prepare: 9_223_372_036_854_775_807n }, 'e')).toBe(
      9_223_372_036_854_775_807n,
    );
    expect(allPositionOf(4242n)).toEqual({ commit: 4242n, prepare: 4242n });
  });

  it('refuses what would make positions ambiguous or missing', () => {
    expect(() => storePositionOf({ commit: 500n, prepare: 420n }, 'event 3@billing-org-acme')).toThrow(
      /explicit transaction .*commit 500 ≠ prepare 420/,
    );
    expect(() => storePositionOf(undefined, 'event 3@billing-org-acme')).toThrow(/22\.6 or later/);
    expect(() => storePositionOf({ commit: 0n, prepare: 0n }, 'e')).toThrow(/never sit at 0/);
  });

  it('reads after 0 from the start, after p from the record at p (inclusive; the reader drops it)', () => {
    expect(readStartFor(0n)).toBe('start');
    expect(readStartFor(77n)).toEqual({ commit: 77n, prepare: 77n });
    expect(() => readStartFor(-1n)).toThrow(RangeError);
  });

  it('orders like $all: commit, then prepare', () => {
    expect(comparePositions({ commit: 1n, prepare: 9n }, { commit: 2n, prepare: 0n })).toBe(-1);
    expect(comparePositions({ commit: 2n, prepare: 1n }, { commit: 2n, prepare: 0n })).toBe(1);
    expect(comparePositions({ commit: 2n, prepare: 2n }, { commit: 2n, prepare: 2n })).toBe(0);
  });

  it('travels in JSON as decimal text, exactly, within a signed 64-bit integer', () => {
    for (const value of [0n, 1n, 9_007_199_254_740_993n, 9_223_372_036_854_775_807n])
      expect(positionFromText(positionToText(value), 'x')).toBe(value);
    for (const bad of ['', '-1', '01', '1.5', '1e3', ' 1', 9, null, '9223372036854775808'])
      expect(() => positionFromText(bad, 'checkpoint')).toThrow(/checkpoint/);
  });
});
