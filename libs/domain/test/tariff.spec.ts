import { Decimal, TariffError, parseTariff, price, roundToYen, tariffVersionOn, parseJstDate } from '../src';
import { sampleTariff, sampleTariffDocument, twoVersionTariff } from './support/sample-tariff';

type Doc = ReturnType<typeof sampleTariffDocument>;
const issuesOf = (mutate: (doc: Doc) => unknown) => {
  const doc = sampleTariffDocument();
  const changed = mutate(doc) ?? doc;
  try {
    parseTariff(changed);
  } catch (error) {
    expect(error).toBeInstanceOf(TariffError);
    return (error as TariffError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error('the tariff was accepted');
};

describe('tariff validation', () => {
  it('accepts the sample tariff of §4', () => {
    expect(sampleTariff.versions.map((v) => v.id)).toEqual(['2025-10']);
    expect(sampleTariff.rounding).toBe('floor');
  });

  it('names the field of tiers out of order', () => {
    expect(
      issuesOf((doc) => {
        (doc.versions[0]!.monthlyFee.tiers as { upTo: number | null }[])[1]!.upTo = 50;
        doc.versions[0]!.monthlyFee.tiers.push({ upTo: null, unitPrice: '1' });
      }),
    ).toContain('versions[0].monthlyFee.tiers[1].upTo: tiers out of order: 50 must be greater than 100');
  });

  it('names the field of an open-ended tier that is not the last one', () => {
    expect(
      issuesOf((doc) => {
        (doc.versions[0]!.monthlyFee.tiers as { upTo: number | null }[])[0]!.upTo = null;
      }),
    ).toContain('versions[0].monthlyFee.tiers[0].upTo: only the last tier may be unlimited (null)');
  });

  it('refuses negative prices', () => {
    expect(
      issuesOf((doc) => {
        doc.versions[0]!.idRegistrationFee.unitPrice = '-1';
      }),
    ).toEqual(['versions[0].idRegistrationFee.unitPrice: must not be negative']);
  });

  it('refuses an unknown pricing mode', () => {
    expect(
      issuesOf((doc) => {
        doc.versions[0]!.verificationFee.mode = 'stairstep';
      }),
    ).toEqual([
      'versions[0].verificationFee.mode: unknown value "stairstep"; expected one of per-unit, graduated, volume',
    ]);
  });

  it('refuses overlapping versions, naming the second one', () => {
    expect(
      issuesOf((doc) => {
        doc.versions.push({ ...doc.versions[0]!, id: 'dup' });
      }),
    ).toEqual(['versions[1].effectiveFrom: overlaps versions[0], in force from 2025-10-01']);
  });

  it('refuses a version that ends after the next one starts', () => {
    expect(
      issuesOf((doc) => ({
        ...doc,
        versions: [
          { ...doc.versions[0]!, id: 'a', effectiveFrom: '2025-01-01', effectiveTo: '2025-10-01' },
          doc.versions[0]!,
        ],
      })),
    ).toEqual(['versions[1].effectiveFrom: overlaps versions[0], in force until 2025-10-01']);
  });

  it('refuses a gap between versions, and an end to the latest one', () => {
    expect(
      issuesOf((doc) => ({
        ...doc,
        versions: [
          { ...doc.versions[0]!, id: 'a', effectiveFrom: '2025-01-01', effectiveTo: '2025-09-29' },
          { ...doc.versions[0]!, effectiveTo: '2026-03-31' },
        ],
      })),
    ).toEqual([
      'versions[0].effectiveTo: leaves days without a version before versions[1] starts on 2025-10-01',
      'versions[1].effectiveTo: the latest version must stay in force (no effectiveTo): no version follows it',
    ]);
  });

  it('refuses duplicate version ids and initial fees that fall as the tiers rise', () => {
    expect(
      issuesOf((doc) => ({
        ...doc,
        versions: [
          {
            ...doc.versions[0]!,
            effectiveFrom: '2025-01-01',
            initialFee: {
              tiers: [
                { upTo: 100, amount: 5 },
                { upTo: null, amount: 4 },
              ],
            },
          },
          doc.versions[0]!,
        ],
      })),
    ).toEqual([
      'versions[0].initialFee.tiers[1].amount: must not be lower than the amount of the tier below (5)',
      'versions[1].id: duplicates the id "2025-10" of another version',
    ]);
  });

  it('defaults rounding to floor and the billing year to January', () => {
    const { rounding: _rounding, verificationYear: _year, ...doc } = sampleTariffDocument();
    expect(parseTariff(doc)).toMatchObject({ rounding: 'floor', verificationYear: { startMonth: 1 } });
  });

  it('accepts a tier that charges only a flat amount', () => {
    const doc = sampleTariffDocument();
    const verificationFee = {
      mode: 'volume',
      tiers: [
        { upTo: 1000, flatAmount: 500 },
        { upTo: null, unitPrice: '1' },
      ],
    };
    const tariff = parseTariff({ ...doc, versions: [{ ...doc.versions[0]!, verificationFee }] });
    expect(price(tariff.versions[0]!.verificationFee, 7).lines).toEqual([
      { from: 1, to: 1000, quantity: 7, unitPrice: '0', flatAmount: '500', amount: '500' },
    ]);
  });

  it('reports every problem at once, with paths into nested fields', () => {
    const issues = issuesOf((doc) => ({
      ...doc,
      rounding: 'up',
      verificationYear: { startMonth: 13 },
      versions: [{ id: 'x' }],
    }));
    expect(issues).toEqual(
      expect.arrayContaining([
        'rounding: unknown value "up"; expected one of floor, half-up',
        'verificationYear.startMonth: must be an integer from 1 to 12',
        'versions[0].effectiveFrom: is required',
        'versions[0].initialFee: is required',
        'versions[0].monthlyFee: is required',
      ]),
    );
  });

  it('refuses a document that is not an object', () => {
    expect(() => parseTariff([1, 2])).toThrow('(root): must be an object');
  });
});

describe('version in force', () => {
  const tariff = twoVersionTariff();

  it('picks the version in force on a day, switching on 2025-10-01', () => {
    expect(tariffVersionOn(tariff, parseJstDate('2025-09-30')).id).toBe('2024-01');
    expect(tariffVersionOn(tariff, parseJstDate('2025-10-01')).id).toBe('2025-10');
  });

  it('refuses a day no version covers', () => {
    expect(() => tariffVersionOn(tariff, parseJstDate('2023-12-31'))).toThrow(
      'no tariff version is in force on 2023-12-31',
    );
  });
});

describe('pricing modes', () => {
  const tiers = [
    { upTo: 100, unitPrice: new Decimal('300'), flatAmount: null },
    { upTo: 1000, unitPrice: new Decimal('200'), flatAmount: new Decimal('5000') },
    { upTo: null, unitPrice: new Decimal('0.5'), flatAmount: null },
  ];

  it('per-unit: quantity × unit price', () => {
    const { lines, exact } = price({ mode: 'per-unit', unitPrice: new Decimal('12.5') }, 3);
    expect(lines).toEqual([{ from: 1, to: null, quantity: 3, unitPrice: '12.5', amount: '37.5' }]);
    expect(exact.toFixed()).toBe('37.5');
  });

  it('graduated: each tier its own units, plus the flat amount of every tier reached', () => {
    const { lines, exact } = price({ mode: 'graduated', tiers }, 1003);
    expect(lines).toEqual([
      { from: 1, to: 100, quantity: 100, unitPrice: '300', amount: '30000' },
      { from: 101, to: 1000, quantity: 900, unitPrice: '200', flatAmount: '5000', amount: '185000' },
      { from: 1001, to: null, quantity: 3, unitPrice: '0.5', amount: '1.5' },
    ]);
    expect(exact.toFixed()).toBe('215001.5');
  });

  it('graduated: a quantity on a tier boundary stays in that tier', () => {
    expect(price({ mode: 'graduated', tiers }, 100).lines).toHaveLength(1);
  });

  it('volume: all units at the price of the tier the total falls in, plus its flat amount', () => {
    expect(price({ mode: 'volume', tiers }, 101).lines).toEqual([
      { from: 101, to: 1000, quantity: 101, unitPrice: '200', flatAmount: '5000', amount: '25200' },
    ]);
    expect(price({ mode: 'volume', tiers }, 100).lines[0]!.amount).toBe('30000');
  });

  it('prices zero units at nothing, with no lines', () => {
    expect(price({ mode: 'volume', tiers }, 0)).toEqual({ lines: [], exact: new Decimal(0) });
  });

  it('stays exact where binary floats would not (0.1 × 3)', () => {
    expect(price({ mode: 'per-unit', unitPrice: new Decimal('0.1') }, 3).exact.toFixed()).toBe('0.3');
  });
});

describe('rounding once per charge', () => {
  it.each([
    ['floor', '1.5', '1'],
    ['floor', '1.999', '1'],
    ['half-up', '1.5', '2'],
    ['half-up', '1.49', '1'],
    ['half-up', '-1.5', '-1'],
    ['floor', '-1.5', '-2'],
  ] as const)('%s of %s is %s', (rounding, exact, whole) => {
    expect(roundToYen(new Decimal(exact), rounding).toFixed()).toBe(whole);
  });
});
