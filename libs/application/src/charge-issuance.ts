import { ChargeEvent } from '@smartme/domain';
import { EventStore } from '@smartme/ports';
import { CHARGE_SOURCE } from './charge-cloud-event';
import { Projector } from './projector';

/** An organisation left unbilled, and why. */
export interface OrganisationProblem {
  readonly orgId: string;
  readonly reason: string;
}

export interface IssuedCharges {
  /** What this call stored (what was stored before is not issued again). */
  readonly issued: ChargeEvent[];
  /** Charges whose id was already taken by other content. */
  readonly problems: OrganisationProblem[];
}

export type IssuedListener = (issued: readonly ChargeEvent[]) => void;

/**
 * The one way decided charges enter the store, for the close and for recompute: appended
 * with their outbox entries, the projections brought up to them, a charge whose id is taken
 * by other content reported (the deterministic ids guard against a second issuer even if
 * the lock were ever bypassed), and the listeners told (the outbox relay publishes at once).
 * The caller holds CLOSE_LOCK.
 */
export class ChargeIssuance {
  private readonly listeners = new Set<IssuedListener>();

  constructor(
    private readonly events: EventStore,
    private readonly projector: Projector,
  ) {}

  /** Calls `listener` after every issue that stored something. Returns the function that stops it. */
  onIssued(listener: IssuedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async issue(decided: readonly ChargeEvent[]): Promise<IssuedCharges> {
    if (decided.length === 0) return { issued: [], problems: [] };
    const outcomes = await this.events.appendCharges(decided.map((event) => ({ event, source: CHARGE_SOURCE })));
    await this.projector.catchUp();
    const issued = decided.filter((_, i) => outcomes[i]!.status === 'appended');
    const problems = decided
      .filter((_, i) => outcomes[i]!.status === 'conflict')
      .map((event) => ({
        orgId: event.data.orgId,
        reason: `charge ${event.id} was already issued with other content`,
      }));
    if (issued.length > 0) this.tell(issued);
    return { issued, problems };
  }

  private tell(issued: readonly ChargeEvent[]): void {
    for (const listener of this.listeners) {
      try {
        listener(issued);
      } catch {
        // A listener is a bystander: the charges are stored whatever it does.
      }
    }
  }
}
