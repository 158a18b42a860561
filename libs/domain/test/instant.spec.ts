import fc from 'fast-check';
import { InvalidInstantError, parseInstant } from '../src';

/** The grammar as a regular expression, and Date.parse for the arithmetic: the oracle the scanner must agree with. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

function reference(text: string): { epochMs: number; subMsNanos: number } | 'invalid' {
  const match = RFC3339.exec(text);
  if (!match) return 'invalid';
  const [, y, mo, d, h, mi, s, frac = '', oh = '0', om = '0'] = match;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  // Out-of-range fields roll over in Date.UTC; the grammar's ranges make them invalid.
  const exact =
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(mo) - 1 &&
    date.getUTCDate() === Number(d) &&
    Number(h) < 24 &&
    Number(mi) < 60 &&
    Number(s) < 60;
  if (!exact || Number(y) < 1970 || Number(oh) > 23 || Number(om) > 59) return 'invalid';
  const sign = text.charAt(text.length - 6) === '-' ? -1 : 1;
  const fraction = frac.padEnd(9, '0');
  return {
    epochMs: date.getTime() - sign * (Number(oh) * 60 + Number(om)) * 60_000 + Number(fraction.slice(0, 3)),
    subMsNanos: Number(fraction.slice(3)),
  };
}

function parsed(text: string): { epochMs: number; subMsNanos: number } | 'invalid' {
  try {
    return parseInstant(text);
  } catch (error) {
    if (error instanceof InvalidInstantError) return 'invalid';
    throw error;
  }
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

describe('parseInstant', () => {
  it('agrees with the RFC 3339 grammar on well-formed and near-miss times', () => {
    const wellFormed = fc
      .record({
        year: fc.integer({ min: 1960, max: 2400 }),
        month: fc.integer({ min: 0, max: 13 }),
        day: fc.integer({ min: 0, max: 32 }),
        hour: fc.integer({ min: 0, max: 25 }),
        minute: fc.integer({ min: 0, max: 61 }),
        second: fc.integer({ min: 0, max: 61 }),
        fraction: fc.option(fc.stringMatching(/^\d{0,11}$/), { nil: undefined }),
        zone: fc.oneof(
          fc.constantFrom('Z', 'z', ''),
          fc
            .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }))
            .map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`),
        ),
        separator: fc.constantFrom('T', 't', ' '),
      })
      .map(
        (f) =>
          `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}${f.separator}${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}${f.fraction === undefined ? '' : `.${f.fraction}`}${f.zone}`,
      );
    const mutated = fc
      .tuple(wellFormed, fc.nat(), fc.constantFrom('', 'x', '0', ':', '-', '+'))
      .map(([text, at, insert]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i + (insert === '' ? 1 : 0));
      });
    fc.assert(
      fc.property(fc.oneof(wellFormed, mutated), (text) => {
        expect(parsed(text)).toEqual(reference(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('names what is wrong', () => {
    expect(() => parseInstant('2025-10-12T09:30:00')).toThrow('must have an explicit offset (Z or ±hh:mm)');
    expect(() => parseInstant('2025-02-29T09:30:00Z')).toThrow('2025-02-29 is not a calendar date');
    expect(() => parseInstant('2025-10-12T24:00:00Z')).toThrow('24:00:00 is not a time of day');
    expect(() => parseInstant('2025-10-12T09:30:00+24:00')).toThrow('offset +24:00 is out of range');
    expect(() => parseInstant('1969-12-31T23:59:59Z')).toThrow('year 1969 is before 1970');
    expect(() => parseInstant('12 Oct 2025')).toThrow('must be an RFC 3339 date-time with offset');
  });

  it('keeps nanoseconds below the millisecond', () => {
    expect(parseInstant('2025-10-31T23:59:59.123456789+09:00')).toEqual({
      epochMs: Date.parse('2025-10-31T14:59:59.123Z'),
      subMsNanos: 456789,
    });
  });
});
