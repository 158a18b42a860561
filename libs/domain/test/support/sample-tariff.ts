import { Tariff, parseTariff } from '../../src';

/** The tariff of billing-rules.md §4 (placeholder prices), as a document to vary in tests. */
export function sampleTariffDocument() {
  return {
    currency: 'JPY',
    rounding: 'floor',
    verificationYear: { startMonth: 1 },
    versions: [
      {
        id: '2025-10',
        effectiveFrom: '2025-10-01',
        initialFee: {
          tiers: [
            { upTo: 100, amount: 100000 },
            { upTo: null, amount: 300000 },
          ],
        },
        idRegistrationFee: { mode: 'per-unit', unitPrice: '100' },
        monthlyFee: {
          mode: 'graduated',
          tiers: [
            { upTo: 100, unitPrice: '300' },
            { upTo: null, unitPrice: '200' },
          ],
        },
        verificationFee: {
          mode: 'volume',
          tiers: [
            { upTo: 1000, unitPrice: '10' },
            { upTo: null, unitPrice: '5', flatAmount: 0 },
          ],
        },
      },
    ],
    terms: [
      { id: '2025-09', effectiveFrom: '2000-01-01', idServiceRequiresEntryExit: false, annex3Channels: [] },
      {
        id: '2025-10',
        effectiveFrom: '2025-10-01',
        idServiceRequiresEntryExit: true,
        annex3Channels: ['secom-smartphone-id'],
      },
    ],
  };
}

export const sampleTariff: Tariff = parseTariff(sampleTariffDocument());

/**
 * The sample tariff with an older version before the 2025-10 one, priced differently so
 * a test can tell which version rated a charge.
 */
export function twoVersionTariff(overrides: { startMonth?: number } = {}): Tariff {
  const document = sampleTariffDocument();
  const current = document.versions[0]!;
  return parseTariff({
    ...document,
    verificationYear: { startMonth: overrides.startMonth ?? 1 },
    versions: [
      {
        ...current,
        id: '2024-01',
        effectiveFrom: '2024-01-01',
        initialFee: {
          tiers: [
            { upTo: 100, amount: 50000 },
            { upTo: null, amount: 150000 },
          ],
        },
        idRegistrationFee: { mode: 'per-unit', unitPrice: '50' },
        monthlyFee: { mode: 'per-unit', unitPrice: '250' },
      },
      current,
    ],
  });
}
