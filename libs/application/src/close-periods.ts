import { ChargeEvent, decideClose, organisationLedger } from '@smartme/domain';
import { EventStore, ExclusiveLock, ProjectionStore } from '@smartme/ports';
import { BillingSettings } from './billing-settings';
import { CHARGE_SOURCE } from './charge-cloud-event';
import { Projector } from './projector';

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

  close(asOfMs: number): Promise<ChargeEvent[]> {
    return this.lock.runExclusive('close', async () => {
      await this.projector.catchUp();
      const decided = await this.decide(asOfMs);
      if (decided.length > 0) {
        await this.events.appendCharges(decided.map((event) => ({ event, source: CHARGE_SOURCE })));
        await this.projector.catchUp();
      }
      return decided;
    });
  }

  /** What a close as of `asOfMs` would issue now, without issuing it. */
  async decide(asOfMs: number, orgIds?: readonly string[]): Promise<ChargeEvent[]> {
    const { tariff, closeGraceMs } = this.settings;
    const organisations = await this.projections.organisations(orgIds);
    return organisations.flatMap((org) => decideClose(organisationLedger(org, tariff), { asOfMs, closeGraceMs }, tariff));
  }
}
