import { ChargeEvent, decideClose, organisationLedger } from '@smartme/domain';
import { EventStore, ExclusiveLock, ProjectionStore } from '@smartme/ports';
import { BillingSettings } from './billing-settings';
import { CHARGE_SOURCE } from './charge-cloud-event';
import { Projector } from './projector';

export interface CloseReport {
  readonly issued: ChargeEvent[];
  /** Organisations left unbilled by this close, and why. */
  readonly problems: { readonly orgId: string; readonly reason: string }[];
}

/**
 * The scheduler's close: brings the projections up to date, lets the domain decide what
 * every organisation owes as of an instant, and stores those charge events (with their
 * outbox entries). One close runs at a time across every process sharing the store, so
 * each charge is issued exactly once; the deterministic charge ids are a second guard.
 */
export class PeriodClose {
  constructor(
    private readonly events: EventStore,
    private readonly projections: ProjectionStore,
    private readonly projector: Projector,
    private readonly lock: ExclusiveLock,
    private readonly settings: BillingSettings,
  ) {}

  close(asOfMs: number): Promise<CloseReport> {
    return this.lock.runExclusive('close', async () => {
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
          ...decided.issued.filter((_, i) => outcomes[i]!.status === 'conflict')
            .map((event) => ({ orgId: event.data.orgId, reason: `charge ${event.id} was already issued with other content` })),
        ],
      };
    });
  }

  /**
   * What a close as of `asOfMs` would issue now, without issuing it. An organisation
   * that cannot be rated (no tariff version covers one of its periods) is reported and
   * skipped, so it does not hold back everyone else's billing.
   */
  async decide(asOfMs: number, orgIds?: readonly string[]): Promise<CloseReport> {
    const { tariff, closeGraceMs } = this.settings;
    const report: CloseReport = { issued: [], problems: [] };
    for (const org of await this.projections.organisations(orgIds)) {
      try {
        report.issued.push(...decideClose(organisationLedger(org, tariff), { asOfMs, closeGraceMs }, tariff));
      } catch (error) {
        report.problems.push({ orgId: org.orgId, reason: (error as Error).message });
      }
    }
    return report;
  }
}
