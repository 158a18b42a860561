import { DayNumber, formatJstDate } from '../time/jst-date';
import { Tariff, TariffVersion, TermsVersion } from './tariff';

export class NoVersionInForceError extends Error {}

/**
 * The tariff version in force on a day (附則 2: a debt follows the version in force
 * on the day it accrues, i.e. the last day of its period).
 */
export function tariffVersionOn(tariff: Tariff, day: DayNumber): TariffVersion {
  const version = latestStartedBy(tariff.versions, day);
  if (!version || (version.effectiveTo !== null && version.effectiveTo < day)) {
    throw new NoVersionInForceError(`no tariff version is in force on ${formatJstDate(day)}`);
  }
  return version;
}

/** The terms version in force on a day: the one that admits an application dated that day. */
export function termsVersionOn(tariff: Tariff, day: DayNumber): TermsVersion {
  const terms = latestStartedBy(tariff.terms, day);
  if (!terms) throw new NoVersionInForceError(`no terms version is in force on ${formatJstDate(day)}`);
  return terms;
}

function latestStartedBy<T extends { effectiveFrom: DayNumber }>(items: readonly T[], day: DayNumber): T | undefined {
  let found: T | undefined;
  for (const item of items) if (item.effectiveFrom <= day) found = item;
  return found;
}
