import { Decimal } from '../money/decimal';
import { ROUNDINGS, Rounding } from '../money/rounding';
import { DayNumber, formatJstDate, parseJstDate } from '../time/jst-date';
import { InitialFeeTier, PRICING_MODES, PriceSchedule, PriceTier, Tariff, TariffVersion, TermsVersion } from './tariff';
import { TariffError, TariffIssue } from './tariff-error';

/**
 * Turns a parsed tariff document (JSON or YAML of the shape in billing-rules.md §4)
 * into a Tariff, or refuses it with every problem found, each naming its field path
 * (`versions[1].monthlyFee.tiers[0].upTo`), so an operator can fix the file in one go.
 */
export function parseTariff(document: unknown): Tariff {
  const issues: TariffIssue[] = [];
  const reader = new FieldReader(issues);
  const root = reader.object(document, '');
  const currency = reader.field(
    root,
    '',
    'currency',
    (value, path) => {
      if (value !== 'JPY') reader.fail(path, 'must be "JPY"');
      return 'JPY' as const;
    },
    'JPY',
  );
  // Both have defaults in the spec: rounding down (§4), years from January (§1).
  const rounding: Rounding =
    reader.optionalField(root, '', 'rounding', (value, path) => reader.oneOf(value, path, ROUNDINGS)) ?? 'floor';
  const verificationYear = reader.optionalField(root, '', 'verificationYear', (value, path) => {
    const year = reader.object(value, path);
    return { startMonth: reader.optionalField(year, path, 'startMonth', (v, p) => reader.integer(v, p, 1, 12)) ?? 1 };
  }) ?? { startMonth: 1 };
  const versions = reader.field(
    root,
    '',
    'versions',
    (value, path) => reader.nonEmptyArray(value, path).map((item, i) => parseVersion(reader, item, `${path}[${i}]`)),
    [],
  );
  const terms = reader.field(
    root,
    '',
    'terms',
    (value, path) => reader.nonEmptyArray(value, path).map((item, i) => parseTerms(reader, item, `${path}[${i}]`)),
    [],
  );

  checkContinuity(
    reader,
    versions.map((v, i) => ({ ...v, path: `versions[${i}]` })),
  );
  checkContinuity(
    reader,
    terms.map((t, i) => ({ ...t, effectiveTo: null, path: `terms[${i}]` })),
  );
  if (issues.length > 0) throw new TariffError(issues);
  return {
    currency,
    rounding,
    verificationYear,
    versions: [...versions].sort((a, b) => a.effectiveFrom - b.effectiveFrom),
    terms: [...terms].sort((a, b) => a.effectiveFrom - b.effectiveFrom),
  };
}

function parseVersion(reader: FieldReader, value: unknown, path: string): TariffVersion {
  const version = reader.object(value, path);
  return {
    id: reader.field(version, path, 'id', (v, p) => reader.text(v, p), ''),
    effectiveFrom: reader.field(version, path, 'effectiveFrom', (v, p) => reader.date(v, p), 0),
    effectiveTo: reader.optionalField(version, path, 'effectiveTo', (v, p) => reader.date(v, p)),
    initialFee: reader.field(version, path, 'initialFee', (v, p) => ({ tiers: parseInitialFeeTiers(reader, v, p) }), {
      tiers: [],
    }),
    idRegistrationFee: reader.field(version, path, 'idRegistrationFee', (v, p) => parseSchedule(reader, v, p), FREE),
    monthlyFee: reader.field(version, path, 'monthlyFee', (v, p) => parseSchedule(reader, v, p), FREE),
    verificationFee: reader.field(version, path, 'verificationFee', (v, p) => parseSchedule(reader, v, p), FREE),
  };
}

function parseTerms(reader: FieldReader, value: unknown, path: string): TermsVersion {
  const terms = reader.object(value, path);
  return {
    id: reader.field(terms, path, 'id', (v, p) => reader.text(v, p), ''),
    effectiveFrom: reader.field(terms, path, 'effectiveFrom', (v, p) => reader.date(v, p), 0),
    idServiceRequiresEntryExit: reader.field(
      terms,
      path,
      'idServiceRequiresEntryExit',
      (v, p) => reader.boolean(v, p),
      false,
    ),
    annex3Channels: reader.field(terms, path, 'annex3Channels', (v, p) => reader.texts(v, p), []),
  };
}

const FREE: PriceSchedule = { mode: 'per-unit', unitPrice: new Decimal(0) };

function parseInitialFeeTiers(reader: FieldReader, value: unknown, path: string): InitialFeeTier[] {
  const fee = reader.object(value, path);
  return reader.field(
    fee,
    path,
    'tiers',
    (v, p) => {
      const tiers = reader.nonEmptyArray(v, p).map((item, i) => {
        const tierPath = `${p}[${i}]`;
        const tier = reader.object(item, tierPath);
        return {
          upTo: reader.field(tier, tierPath, 'upTo', (u, up) => reader.upTo(u, up), null),
          amount: reader.field(tier, tierPath, 'amount', (a, ap) => reader.money(a, ap), new Decimal(0)),
        };
      });
      checkTierOrder(reader, tiers, p);
      tiers.forEach((tier, i) => {
        const previous = tiers[i - 1];
        if (previous && tier.amount.lt(previous.amount)) {
          reader.fail(
            `${p}[${i}].amount`,
            `must not be lower than the amount of the tier below (${previous.amount.toFixed()})`,
          );
        }
      });
      return tiers;
    },
    [],
  );
}

function parseSchedule(reader: FieldReader, value: unknown, path: string): PriceSchedule {
  const schedule = reader.object(value, path);
  const mode = reader.field(schedule, path, 'mode', (v, p) => reader.oneOf(v, p, PRICING_MODES), null);
  // An unknown mode says nothing about which other fields belong here: report it alone.
  if (mode === null) return FREE;
  if (mode === 'per-unit') {
    return { mode, unitPrice: reader.field(schedule, path, 'unitPrice', (v, p) => reader.money(v, p), new Decimal(0)) };
  }
  const tiers = reader.field(
    schedule,
    path,
    'tiers',
    (v, p) => {
      const parsed = reader.nonEmptyArray(v, p).map((item, i) => parsePriceTier(reader, item, `${p}[${i}]`));
      checkTierOrder(reader, parsed, p);
      return parsed;
    },
    [],
  );
  return { mode, tiers };
}

function parsePriceTier(reader: FieldReader, value: unknown, path: string): PriceTier {
  const tier = reader.object(value, path);
  const flatAmount = reader.optionalField(tier, path, 'flatAmount', (v, p) => reader.money(v, p));
  // As in Stripe, a tier may charge only a flat amount.
  const unitPrice =
    flatAmount !== null && tier['unitPrice'] === undefined
      ? new Decimal(0)
      : reader.field(tier, path, 'unitPrice', (v, p) => reader.money(v, p), new Decimal(0));
  return { upTo: reader.field(tier, path, 'upTo', (v, p) => reader.upTo(v, p), null), unitPrice, flatAmount };
}

/** Tiers must rise strictly, and only the last one may be open-ended (`upTo: null`). */
function checkTierOrder(reader: FieldReader, tiers: readonly { upTo: number | null }[], path: string): void {
  tiers.forEach((tier, i) => {
    const isLast = i === tiers.length - 1;
    const previous = i > 0 ? tiers[i - 1]?.upTo : 0;
    if (tier.upTo === null && !isLast) reader.fail(`${path}[${i}].upTo`, 'only the last tier may be unlimited (null)');
    if (tier.upTo !== null && isLast) reader.fail(`${path}[${i}].upTo`, 'the last tier must be unlimited (null)');
    if (tier.upTo !== null && previous !== null && previous !== undefined && tier.upTo <= previous) {
      reader.fail(`${path}[${i}].upTo`, `tiers out of order: ${tier.upTo} must be greater than ${previous}`);
    }
  });
}

interface Dated {
  readonly id: string;
  readonly effectiveFrom: DayNumber;
  readonly effectiveTo: DayNumber | null;
  readonly path: string;
}

/**
 * Versions must tile time from the first one on: no two in force on the same day, and no
 * day without one, or some period would have no price. An `effectiveTo` (inclusive) is
 * optional; when given it must end the day before the next version starts.
 */
function checkContinuity(reader: FieldReader, items: readonly Dated[]): void {
  const sorted = [...items].sort((a, b) => a.effectiveFrom - b.effectiveFrom);
  sorted.forEach((item, i) => {
    const next = sorted[i + 1];
    const previous = sorted[i - 1];
    if (item.effectiveTo !== null && item.effectiveTo < item.effectiveFrom) {
      reader.fail(`${item.path}.effectiveTo`, 'must not be before effectiveFrom');
    } else if (item.effectiveTo !== null && !next) {
      reader.fail(
        `${item.path}.effectiveTo`,
        'the latest version must stay in force (no effectiveTo): no version follows it',
      );
    } else if (item.effectiveTo !== null && next && item.effectiveTo >= next.effectiveFrom) {
      reader.fail(
        `${next.path}.effectiveFrom`,
        `overlaps ${item.path}, in force until ${formatJstDate(item.effectiveTo)}`,
      );
    } else if (item.effectiveTo !== null && next && item.effectiveTo + 1 < next.effectiveFrom) {
      reader.fail(
        `${item.path}.effectiveTo`,
        `leaves days without a version before ${next.path} starts on ${formatJstDate(next.effectiveFrom)}`,
      );
    }
    if (previous && previous.effectiveFrom === item.effectiveFrom) {
      reader.fail(
        `${item.path}.effectiveFrom`,
        `overlaps ${previous.path}, in force from ${formatJstDate(previous.effectiveFrom)}`,
      );
    }
    if (items.slice(0, items.indexOf(item)).some((other) => other.id === item.id)) {
      reader.fail(`${item.path}.id`, `duplicates the id "${item.id}" of another version`);
    }
  });
}

type Json = Record<string, unknown>;

/** Reads fields while collecting issues, so that one bad field does not hide the next. */
class FieldReader {
  constructor(private readonly issues: TariffIssue[]) {}

  fail(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  field<T>(object: Json, base: string, name: string, read: (value: unknown, path: string) => T, fallback: T): T {
    const path = base ? `${base}.${name}` : name;
    if (!(name in object)) {
      this.fail(path, 'is required');
      return fallback;
    }
    return read(object[name], path);
  }

  optionalField<T>(object: Json, base: string, name: string, read: (value: unknown, path: string) => T): T | null {
    const value = object[name];
    return value === undefined || value === null ? null : read(value, base ? `${base}.${name}` : name);
  }

  object(value: unknown, path: string): Json {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
    this.fail(path, 'must be an object');
    return {};
  }

  nonEmptyArray(value: unknown, path: string): unknown[] {
    if (Array.isArray(value) && value.length > 0) return value;
    this.fail(path, 'must be a non-empty array');
    return [];
  }

  text(value: unknown, path: string): string {
    if (typeof value === 'string' && value.length > 0) return value;
    this.fail(path, 'must be a non-empty string');
    return '';
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value === 'boolean') return value;
    this.fail(path, 'must be true or false');
    return false;
  }

  texts(value: unknown, path: string): string[] {
    if (!Array.isArray(value)) {
      this.fail(path, 'must be an array of strings');
      return [];
    }
    return value.map((item, i) => this.text(item, `${path}[${i}]`));
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T | null {
    if (allowed.includes(value as T)) return value as T;
    this.fail(path, `unknown value ${JSON.stringify(value)}; expected one of ${allowed.join(', ')}`);
    return null;
  }

  integer(value: unknown, path: string, min: number, max: number): number {
    if (Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max) return value as number;
    this.fail(path, `must be an integer from ${min} to ${max}`);
    return min;
  }

  upTo(value: unknown, path: string): number | null {
    if (value === null) return null;
    return this.integer(value, path, 1, Number.MAX_SAFE_INTEGER);
  }

  date(value: unknown, path: string): DayNumber {
    try {
      return parseJstDate(String(value));
    } catch (error) {
      this.fail(path, (error as Error).message);
      return 0;
    }
  }

  /** Money as a decimal string ("0.5") or a JSON number written in the file; never negative. */
  money(value: unknown, path: string): Decimal {
    const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
    if (typeof text !== 'string' || !/^-?\d+(\.\d+)?$/.test(text)) {
      this.fail(path, 'must be a decimal amount such as "100" or "0.5"');
      return new Decimal(0);
    }
    const amount = new Decimal(text);
    if (amount.isNegative()) this.fail(path, 'must not be negative');
    return amount;
  }
}
