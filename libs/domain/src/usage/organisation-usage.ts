import { CredentialVerified, IdLifecycleEvent } from '../events/identity-events';
import { IdContribution, contributionOf } from '../identity/id-contribution';
import { IdTimeline, insertIntoTimeline, lifecycleEntryOf } from '../identity/id-timeline';
import { parseInstant } from '../time/instant';
import { dayOfInstant } from '../time/jst-date';
import { DailyCounters } from './daily-counters';

/**
 * An organisation's usage: its IDs' lifecycles and the daily counters they add up to.
 * Counters do not depend on contracts: events that arrive before their organisation's
 * contract are counted all the same and billed once it exists (§2.5).
 */
export interface OrganisationUsage {
  readonly ids: Map<string, IdTimeline>;
  readonly counters: DailyCounters;
  /** Verification event ids already counted, so redelivery never counts twice. */
  readonly verificationIds: Set<string>;
}

export function emptyUsage(): OrganisationUsage {
  return { ids: new Map(), counters: new DailyCounters(), verificationIds: new Set() };
}

/**
 * Applies an ID lifecycle event: the ID's counters are moved by the difference between
 * its contribution after and before, so a late or out-of-order event corrects exactly
 * what it changes. Mutates `usage` (the fold owns it) and returns it.
 */
export function evolveIdLifecycle(usage: OrganisationUsage, event: IdLifecycleEvent): OrganisationUsage {
  const before = usage.ids.get(event.data.idId) ?? [];
  const after = insertIntoTimeline(before, lifecycleEntryOf(event));
  if (after === before) return usage;
  usage.ids.set(event.data.idId, after);
  applyContribution(usage.counters, contributionOf(before), -1);
  applyContribution(usage.counters, contributionOf(after), +1);
  return usage;
}

export function evolveVerification(usage: OrganisationUsage, event: CredentialVerified): OrganisationUsage {
  if (usage.verificationIds.has(event.id)) return usage;
  usage.verificationIds.add(event.id);
  const internal = event.data.verifierOrgId === event.data.holderOrgId;
  usage.counters.add(dayOfInstant(parseInstant(event.time).epochMs), internal ? 'verificationsInternal' : 'verificationsCounted', 1);
  return usage;
}

function applyContribution(counters: DailyCounters, contribution: IdContribution, sign: 1 | -1): void {
  for (const day of contribution.registrationDays) counters.add(day, 'registrations', sign);
  for (const [day, change] of contribution.activeChanges) counters.add(day, 'activeChange', sign * change);
}
