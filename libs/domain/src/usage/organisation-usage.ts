import { inEventOrder } from '../events/event-order';
import { CredentialVerified, IdLifecycleEvent } from '../events/identity-events';
import { IdContribution, contributionOf, readTimeline } from '../identity/id-contribution';
import { IdTimeline, LifecycleEntry, insertIntoTimeline, lifecycleEntryOf } from '../identity/id-timeline';
import { IdUnit, VerificationUnit } from '../lineage/charge-unit';
import { parseInstant } from '../time/instant';
import { DayNumber, dayOfInstant } from '../time/jst-date';
import { DailyCounters } from './daily-counters';
import { UsageUnits } from './usage-units';
import { UsageView, VerificationCounts } from './usage-view';

/**
 * An organisation's usage: its IDs' lifecycles and the daily counters they add up to.
 * Counters do not depend on contracts: events that arrive before their organisation's
 * contract are counted all the same and billed once it exists (§2.5).
 *
 * An ID's counters are corrected by the difference between its contribution after and
 * before a change, so a late or out-of-order event corrects exactly what it changes.
 * The correction is made once per changed ID when the counters are read, not once per
 * event: a replay of millions of events computes each ID's contribution once.
 *
 * It answers the close's questions (UsageView) and, from the same timelines, which IDs and
 * verifications those answers count (UsageUnits, for explain).
 */
export class OrganisationUsage implements UsageView, UsageUnits {
  private readonly ids = new Map<string, TrackedId>();
  /** IDs changed since the counters were last brought up to date. */
  private changed: [string, TrackedId][] = [];
  private readonly counters = new DailyCounters();
  private readonly verificationIds: Set<string> | null;
  /** The counted verifications themselves, when kept (see the constructor). */
  private readonly countedVerifications: CountedVerification[] | null;

  /**
   * @param options.deduplicate keep the ids of counted verifications so a redelivered one
   *   is not counted twice; folds over the event store, which keeps each id once, skip it.
   * @param options.units keep each counted verification, so that the units of a
   *   verification charge can be listed (explain's fold of one organisation); folds of the
   *   whole store keep their counts only.
   */
  constructor(options: { deduplicate?: boolean; units?: boolean } = {}) {
    this.verificationIds = options.deduplicate === false ? null : new Set();
    this.countedVerifications = options.units ? [] : null;
  }

  /**
   * Takes over an ID's timeline whose contribution is already in counters kept
   * elsewhere (a projection's stored counters): from here on, only changes are counted.
   */
  restoreTimeline(idId: string, timeline: IdTimeline): void {
    this.ids.set(idId, { entries: [...timeline], counted: null });
  }

  applyLifecycle(event: IdLifecycleEvent): void {
    const idId = event.data.idId;
    let id = this.ids.get(idId);
    if (!id) {
      id = { entries: [], counted: NOTHING_COUNTED };
      this.ids.set(idId, id);
      this.changed.push([idId, id]);
    } else if (id.counted === null) {
      id.counted = contributionOf(id.entries);
      this.changed.push([idId, id]);
    }
    insertIntoTimeline(id.entries, lifecycleEntryOf(event));
  }

  applyVerification(event: CredentialVerified): void {
    if (this.verificationIds?.has(event.id)) return;
    this.verificationIds?.add(event.id);
    const internal = event.data.verifierOrgId === event.data.holderOrgId;
    const day = dayOfInstant(parseInstant(event.time).epochMs);
    this.counters.add(day, internal ? 'verificationsInternal' : 'verificationsCounted', 1);
    if (!internal) this.countedVerifications?.push({ day, event });
  }

  /** Brings the counters up to date; returns the timelines that changed since the last time. */
  flush(): [string, IdTimeline][] {
    const changed = this.changed;
    this.changed = [];
    for (const [, id] of changed) {
      applyContribution(this.counters, id.counted!, -1);
      applyContribution(this.counters, contributionOf(id.entries), +1);
      id.counted = null;
    }
    return changed.map(([idId, id]) => [idId, id.entries]);
  }

  /** The daily counters with every applied event counted. */
  view(): DailyCounters {
    if (this.changed.length > 0) this.flush();
    return this.counters;
  }

  registrations(fromDay: DayNumber, toDay: DayNumber): number {
    return this.view().registrations(fromDay, toDay);
  }

  activeAtEndOf(day: DayNumber): number {
    return this.view().activeAtEndOf(day);
  }

  verifications(fromDay: DayNumber, toDay: DayNumber): VerificationCounts {
    return this.view().verifications(fromDay, toDay);
  }

  activeIdsAtEndOf(day: DayNumber): IdUnit[] {
    return this.idUnits((idId, timeline, units) =>
      readTimeline(timeline, {
        newRegistration: () => undefined,
        activeSpell: (from, until, startedBy) => {
          if (from <= day && (until === null || day < until)) units.push({ idId, event: startedBy.eventId });
        },
      }),
    );
  }

  registeredIdsIn(fromDay: DayNumber, toDay: DayNumber): IdUnit[] {
    return this.idUnits((idId, timeline, units) =>
      readTimeline(timeline, {
        newRegistration: (day, entry) => {
          if (fromDay <= day && day <= toDay) units.push({ idId, event: entry.eventId });
        },
        activeSpell: () => undefined,
      }),
    );
  }

  countedVerificationsIn(fromDay: DayNumber, toDay: DayNumber): VerificationUnit[] {
    if (!this.countedVerifications) throw new Error('this usage keeps counts of verifications only, not their events');
    return inEventOrder(
      this.countedVerifications.filter(({ day }) => fromDay <= day && day <= toDay).map(({ event }) => event),
    ).map((event) => ({ event: event.id, verifierOrgId: event.data.verifierOrgId }));
  }

  /** Units collected ID by ID, in ID order. */
  private idUnits(collect: (idId: string, timeline: IdTimeline, units: IdUnit[]) => void): IdUnit[] {
    const units: IdUnit[] = [];
    for (const idId of [...this.ids.keys()].sort()) collect(idId, this.ids.get(idId)!.entries, units);
    return units;
  }

  *allTimelines(): IterableIterator<[string, IdTimeline]> {
    for (const [idId, id] of this.ids) yield [idId, id.entries];
  }

  timeline(idId: string): IdTimeline | undefined {
    return this.ids.get(idId)?.entries;
  }

  get idCount(): number {
    return this.ids.size;
  }
}

/**
 * An ID and what its counters currently count for: null when that is its timeline's
 * contribution, otherwise the contribution from before its pending changes.
 */
interface TrackedId {
  readonly entries: LifecycleEntry[];
  counted: IdContribution | null;
}

interface CountedVerification {
  readonly day: DayNumber;
  readonly event: CredentialVerified;
}

const NOTHING_COUNTED: IdContribution = contributionOf([]);

function applyContribution(counters: DailyCounters, contribution: IdContribution, sign: 1 | -1): void {
  for (const day of contribution.registrationDays) counters.add(day, 'registrations', sign);
  for (const [day, change] of contribution.activeChanges) counters.add(day, 'activeChange', sign * change);
}
