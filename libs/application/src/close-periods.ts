import {
  ChargeEvent,
  billingYearOf,
  decideClose,
  formatMonth,
  monthOfInstant,
  monthStartMs,
  organisationLedger,
} from '@smartme/domain';
import { EventStore, ExclusiveLock, OrganisationRecord, ProjectionStore } from '@smartme/ports';
import { BillingSettings } from './billing-settings';
import { CHARGE_SOURCE } from './charge-cloud-event';
import { Projector } from './projector';

/** Organisations loaded and decided together: bounds the close's memory, lets loading and deciding overlap. */
const ORGANISATIONS_PER_PAGE = 500;

export interface CloseReport {
  readonly issued: ChargeEvent[];
  /** Organisations left unbilled by this close, and why. */
  readonly problems: { readonly orgId: string; readonly reason: string }[];
}

/** The latest period of a type whose close is due at an instant (ignoring contract ends). */
export interface DuePeriod {
  /** `YYYY-MM` or `YYYY`. */
  readonly name: string;
  /** The first instant after the period. */
  readonly endMs: number;
}

/**
 * One close run, as observers (metrics) see it. A run decides every due period of every
 * organisation at once (domain `decideClose`), so its duration belongs to the run, not to
 * a period type; what is per type is how far the run reached: `due`, the latest month and
 * billing year whose close was due as of the run's instant.
 */
export type CloseRun =
  | {
      readonly ok: true;
      readonly asOfMs: number;
      readonly durationMs: number;
      readonly report: CloseReport;
      readonly due: { readonly month: DuePeriod; readonly year: DuePeriod };
    }
  | { readonly ok: false; readonly asOfMs: number; readonly durationMs: number; readonly error: unknown };

export type CloseObserver = (run: CloseRun) => void;

/**
 * The latest month and billing year whose close is due as of `asOfMs`: a period is due
 * once the clock reached its end plus the grace (§5).
 */
export function duePeriodsAsOf(
  asOfMs: number,
  closeGraceMs: number,
  startMonth: number,
): { month: DuePeriod; year: DuePeriod } {
  const month = monthOfInstant(asOfMs - closeGraceMs) - 1;
  const containing = billingYearOf(month, startMonth);
  const year = containing.lastMonth === month ? containing : billingYearOf(containing.firstMonth - 1, startMonth);
  return {
    month: { name: formatMonth(month), endMs: monthStartMs(month + 1) },
    year: { name: String(year.name), endMs: monthStartMs(year.lastMonth + 1) },
  };
}

/**
 * The scheduler's close: brings the projections up to date, lets the domain decide what
 * every organisation owes as of an instant, and stores those charge events (with their
 * outbox entries). One close runs at a time across every process sharing the store, so
 * each charge is issued exactly once; the deterministic charge ids are a second guard.
 */
export class PeriodClose {
  private readonly observers = new Set<CloseObserver>();

  constructor(
    private readonly events: EventStore,
    private readonly projections: ProjectionStore,
    private readonly projector: Projector,
    private readonly lock: ExclusiveLock,
    private readonly settings: BillingSettings,
  ) {}

  /** Observes every close run, successful or not. Returns the function that stops observing. */
  observe(observer: CloseObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Timed from when the lock is held: waiting for another process's close is not this close's duration. */
  async close(asOfMs: number): Promise<CloseReport> {
    let started = performance.now();
    try {
      const report = await this.lock.runExclusive('close', () => {
        started = performance.now();
        return this.closeHoldingLock(asOfMs);
      });
      const { closeGraceMs, tariff } = this.settings;
      const due = duePeriodsAsOf(asOfMs, closeGraceMs, tariff.verificationYear.startMonth);
      this.notify({ ok: true, asOfMs, durationMs: performance.now() - started, report, due });
      return report;
    } catch (error) {
      this.notify({ ok: false, asOfMs, durationMs: performance.now() - started, error });
      throw error;
    }
  }

  private notify(run: CloseRun): void {
    for (const observer of this.observers) {
      try {
        observer(run);
      } catch {
        // An observer is a bystander: the close is stored whatever it does.
      }
    }
  }

  private async closeHoldingLock(asOfMs: number): Promise<CloseReport> {
    await this.projector.catchUp();
    const decided = await this.decide(asOfMs);
    if (decided.issued.length === 0) return decided;
    const outcomes = await this.events.appendCharges(decided.issued.map((event) => ({ event, source: CHARGE_SOURCE })));
    await this.projector.catchUp();
    // Only what this close stored was issued by it; the charge ids guard against a
    // second issuer even if the lock were ever bypassed.
    return {
      issued: decided.issued.filter((_, i) => outcomes[i]!.status === 'appended'),
      problems: [
        ...decided.problems,
        ...decided.issued
          .filter((_, i) => outcomes[i]!.status === 'conflict')
          .map((event) => ({
            orgId: event.data.orgId,
            reason: `charge ${event.id} was already issued with other content`,
          })),
      ],
    };
  }

  /**
   * What a close as of `asOfMs` would issue now, without issuing it. An organisation
   * that cannot be rated (no tariff version covers one of its periods) is reported and
   * skipped, so it does not hold back everyone else's billing.
   */
  async decide(asOfMs: number, orgIds?: readonly string[]): Promise<CloseReport> {
    const { tariff, closeGraceMs } = this.settings;
    const report: CloseReport = { issued: [], problems: [] };
    // Without a contract application there is no contract, hence nothing to bill.
    for await (const organisations of this.organisationsInPages(
      orgIds ?? (await this.projections.contractedOrganisationIds()),
    )) {
      for (const org of organisations) {
        try {
          report.issued.push(...decideClose(organisationLedger(org, tariff), { asOfMs, closeGraceMs }, tariff));
        } catch (error) {
          report.problems.push({ orgId: org.orgId, reason: (error as Error).message });
        }
      }
    }
    return report;
  }

  /** A page of organisations at a time, the next one loading while the current one is decided. */
  private async *organisationsInPages(orgIds: readonly string[]): AsyncGenerator<OrganisationRecord[]> {
    const load = (from: number) => {
      const page = this.projections.organisations(orgIds.slice(from, from + ORGANISATIONS_PER_PAGE));
      page.catch(() => undefined);
      return page;
    };
    let pending = load(0);
    for (let from = 0; from < orgIds.length; from += ORGANISATIONS_PER_PAGE) {
      const page = await pending;
      if (from + ORGANISATIONS_PER_PAGE < orgIds.length) pending = load(from + ORGANISATIONS_PER_PAGE);
      yield page;
    }
  }
}
