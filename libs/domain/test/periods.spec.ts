import fc from 'fast-check';
import {
  DailyCounters,
  billingMonth,
  billingYearOf,
  dayOfInstant,
  formatJstDate,
  formatMonth,
  instantKey,
  monthOfDay,
  monthOfInstant,
  parseInstant,
  parseMonth,
} from '../src';

const monthOf = (time: string) => formatMonth(monthOfInstant(parseInstant(time).epochMs));

describe('billing months in Asia/Tokyo', () => {
  it.each([
    ['2025-10-31T14:59:59Z', '2025-10', 'one second before 00:00 JST is still October'],
    ['2025-10-31T15:00:00Z', '2025-11', '00:00 JST belongs to the new month'],
    ['2025-11-01T00:00:00+09:00', '2025-11', 'the first instant of a month, in JST'],
    ['2025-10-31T23:59:59.999999999+09:00', '2025-10', 'the last instant of the month'],
    ['2025-10-31T10:00:00-05:00', '2025-11', 'any offset: 15:00Z is 00:00 JST'],
    ['2025-12-31T15:00:00Z', '2026-01', 'across the year boundary'],
    ['2024-02-29T12:00:00+09:00', '2024-02', 'a leap day'],
  ])('%s is in %s (%s)', (time, month) => {
    expect(monthOf(time)).toBe(month);
  });

  it('finds the month of any day as the calendar does (arithmetic, checked against Date)', () => {
    const MS_PER_DAY = 86_400_000;
    fc.assert(
      fc.property(fc.integer({ min: -800_000, max: 800_000 }), (day) => {
        const date = new Date(day * MS_PER_DAY);
        expect(monthOfDay(day)).toBe(billingMonth(date.getUTCFullYear(), date.getUTCMonth() + 1));
      }),
      { numRuns: 20_000 },
    );
    for (const [date, month] of [
      ['2024-02-29', '2024-02'],
      ['2024-03-01', '2024-03'],
      ['2000-02-29', '2000-02'],
      ['2100-03-01', '2100-03'],
      ['1969-12-31', '1969-12'],
    ] as const) {
      expect(formatMonth(monthOfDay(Date.parse(date) / MS_PER_DAY))).toBe(month);
    }
  });

  it('attributes days in JST as well', () => {
    expect(formatJstDate(dayOfInstant(parseInstant('2025-10-20T15:00:00Z').epochMs))).toBe('2025-10-21');
    expect(formatJstDate(dayOfInstant(parseInstant('2025-10-20T14:59:59Z').epochMs))).toBe('2025-10-20');
  });

  it('orders instants below the millisecond', () => {
    const earlier = parseInstant('2025-10-31T23:59:59.9990001+09:00');
    const later = parseInstant('2025-10-31T23:59:59.9990002+09:00');
    expect(instantKey(earlier) < instantKey(later)).toBe(true);
    expect(instantKey(earlier)).toBe('2025-10-31T14:59:59.999000100Z');
    expect(earlier.epochMs).toBe(later.epochMs);
  });

  it.each([
    ['2025-10-12T09:30:00', 'explicit offset'],
    ['2025-02-30T09:30:00+09:00', 'not a calendar date'],
    ['2025-13-01T09:30:00+09:00', 'not a calendar date'],
    ['2025-10-12T24:00:00+09:00', 'not a time of day'],
    ['2025-10-12T09:30:00+24:00', 'out of range'],
    ['12 Oct 2025', 'RFC 3339'],
  ])('refuses %s (%s)', (time, message) => {
    expect(() => parseInstant(time)).toThrow(message);
  });

  it('names months and refuses malformed month names', () => {
    expect(formatMonth(parseMonth('2025-09'))).toBe('2025-09');
    expect(() => parseMonth('2025-9')).toThrow('YYYY-MM');
  });
});

describe('billing years', () => {
  it('are calendar years by default', () => {
    const year = billingYearOf(parseMonth('2025-03'), 1);
    expect([year.name, formatMonth(year.firstMonth), formatMonth(year.lastMonth)]).toEqual([
      2025,
      '2025-01',
      '2025-12',
    ]);
  });

  it('follow a fiscal year starting in April, named by its first month', () => {
    const march = billingYearOf(parseMonth('2026-03'), 4);
    const april = billingYearOf(parseMonth('2026-04'), 4);
    expect([march.name, formatMonth(march.firstMonth), formatMonth(march.lastMonth)]).toEqual([
      2025,
      '2025-04',
      '2026-03',
    ]);
    expect(april.name).toBe(2026);
  });
});

describe('daily counters', () => {
  it('sums any span of days, and sees counters added after a query', () => {
    const counters = new DailyCounters();
    counters.add(10, 'registrations', 2);
    counters.add(12, 'registrations', 3);
    counters.add(12, 'activeChange', 5);
    counters.add(20, 'activeChange', -2);
    expect([counters.registrations(10, 11), counters.registrations(11, 12), counters.registrations(13, 30)]).toEqual([
      2, 3, 0,
    ]);
    expect([counters.activeAtEndOf(11), counters.activeAtEndOf(12), counters.activeAtEndOf(25)]).toEqual([0, 5, 3]);
    counters.add(11, 'registrations', 4);
    counters.add(15, 'activeChange', 1);
    expect([counters.registrations(10, 12), counters.activeAtEndOf(19), counters.activeAtEndOf(20)]).toEqual([9, 6, 4]);
    expect(counters.registrations(12, 10)).toBe(0);
  });
});
