import {
  ChargeEvent,
  CloseDecider,
  OrganisationMaterials,
  billingYearOf,
  formatMonth,
  monthOfInstant,
  monthStartMs,
} from '@smartme/domain';
import { ExclusiveLock, OrganisationRecord, ProjectionStore } from '@smartme/ports';
import { BillingSettings } from './billing-settings';
import { ChargeIssuance, OrganisationProblem } from './charge-issuance';
import { CLOSE_LOCK } from './close-lock';
import { Projector } from './projector';

/** Organisations loaded and decided together: bounds the close's memory, lets loading and deciding overlap. */
const ORGANISATIONS_PER_PAGE = 500;

export interface CloseReport {
  readonly issued: ChargeEvent[];
  /** Organisations left unbilled by this close, and why. */
  readonly problems: OrganisationProblem[];
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
 * organisation at once (the domain's close decider), so its duration belongs to the run, not to
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
 * The scheduler's close: brings the projections up to date, lets the domain's close
 * decider decide what every organisation owes as of an instant, and issues those charges
 * (ChargeIssuance). One close runs at a time across every process sharing the store, so
 * each charge is issued exactly once; the deterministic charge ids are a second guard.
 */
export class PeriodClose {
  private readonly observers = new Set<CloseObserver>();

  constructor(
    private readonly projections: ProjectionStore,
    private readonly projector: Projector,
    private readonly lock: ExclusiveLock,
    private readonly issuance: ChargeIssuance,
    private readonly decider: CloseDecider,
    private readonly settings: BillingSettings,
  ) {}

  /** Observes every close run, successful or not. Returns the function that stops observing. */
  observe(observer: CloseObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /**
   * Closes every period due as of `asOfMs` (`close --as-of`, the scheduler's tick). Timed
   * from when the lock is held: waiting for another process's close is not this close's duration.
   */
  async asOf(asOfMs: number): Promise<CloseReport> {
    let started = performance.now();
    try {
      const report = await this.lock.runExclusive(CLOSE_LOCK, () => {
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
    const { issued, problems } = await this.issuance.issue(decided.issued);
    return { issued, problems: [...decided.problems, ...problems] };
  }

  /**
   * What a close as of `asOfMs` would issue now, without issuing it. An organisation
   * that cannot be rated (no tariff version covers one of its periods) is reported and
   * skipped, so it does not hold back everyone else's billing.
   */
  async decide(asOfMs: number, orgIds?: readonly string[]): Promise<CloseReport> {
    const command = { asOfMs, closeGraceMs: this.settings.closeGraceMs };
    const report: CloseReport = { issued: [], problems: [] };
    // Without a contract application there is no contract, hence nothing to bill.
    for await (const organisations of this.organisationsInPages(
      orgIds ?? (await this.projections.contractedOrganisationIds()),
    )) {
      const page = decideEach(organisations, (org) => this.decider.decideFor(command, org));
      report.issued.push(...page.decided.flat());
      report.problems.push(...page.problems);
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

/**
 * Decides organisation by organisation; one that cannot be rated (no tariff version covers
 * one of its periods) is reported, not allowed to hold back everyone else's billing.
 */
export function decideEach<T>(
  organisations: readonly OrganisationMaterials[],
  decide: (organisation: OrganisationMaterials) => T,
): { decided: T[]; problems: OrganisationProblem[] } {
  const decided: T[] = [];
  const problems: OrganisationProblem[] = [];
  for (const organisation of organisations) {
    try {
      decided.push(decide(organisation));
    } catch (error) {
      problems.push({ orgId: organisation.orgId, reason: (error as Error).message });
    }
  }
  return { decided, problems };
}
