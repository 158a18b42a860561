import fc from 'fast-check';
import {
  CounterName,
  DailyCounters,
  MonthResolutionError,
  MonthlyCounters,
  billingMonth,
  firstDayOf,
  lastDayOf,
  parseJstDate,
} from '../src';

const COUNTERS: readonly CounterName[] = [
  'registrations',
  'activeChange',
  'verificationsCounted',
  'verificationsInternal',
];
const FIRST = billingMonth(2025, 9);

describe('monthly counters answer whole-month spans exactly as daily counters do', () => {
  it('for any counts on any days: registrations, month-end active IDs and verifications agree', () => {
    const entry = fc.record({
      month: fc.integer({ min: 0, max: 14 }),
      dayOfMonth: fc.integer({ min: 0, max: 30 }),
      counter: fc.constantFrom(...COUNTERS),
      delta: fc.integer({ min: -3, max: 5 }),
    });
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 60 }),
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: 0, max: 14 }),
        (entries, a, b) => {
          const daily = new DailyCounters();
          const monthly = new MonthlyCounters();
          for (const { month, dayOfMonth, counter, delta } of entries) {
            const day = Math.min(firstDayOf(FIRST + month) + dayOfMonth, lastDayOf(FIRST + month));
            daily.add(day, counter, delta);
            monthly.add(day, counter, delta);
          }
          const from = firstDayOf(FIRST + Math.min(a, b));
          const to = lastDayOf(FIRST + Math.max(a, b));
          expect(monthly.registrations(from, to)).toBe(daily.registrations(from, to));
          expect(monthly.activeAtEndOf(to)).toBe(daily.activeAtEndOf(to));
          expect(monthly.verifications(from, to)).toEqual(daily.verifications(from, to));
        },
      ),
    );
  });

  it('refuses a span that starts or ends inside a month instead of answering it wrongly', () => {
    const monthly = new MonthlyCounters();
    monthly.add(parseJstDate('2026-03-10'), 'activeChange', 4);
    expect(() => monthly.activeAtEndOf(parseJstDate('2026-03-17'))).toThrow(MonthResolutionError);
    expect(() => monthly.registrations(parseJstDate('2026-03-01'), parseJstDate('2026-03-17'))).toThrow(
      MonthResolutionError,
    );
    expect(() => monthly.verifications(parseJstDate('2026-03-02'), parseJstDate('2026-03-31'))).toThrow(
      MonthResolutionError,
    );
    expect(monthly.activeAtEndOf(parseJstDate('2026-03-31'))).toBe(4);
    expect(monthly.activeAtEndOf(parseJstDate('2026-02-28'))).toBe(0);
  });
});
