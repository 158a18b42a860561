import {
  ChargeLine,
  ChargeUnit,
  CloseDecider,
  InputEventType,
  StoredEvent,
  chargeIdOf,
  chargeLineage,
  eventTypesBehind,
} from '@smartme/domain';
import { EventStore, IssuedChargeEvent, ProjectionStore, positiveInteger } from '@smartme/ports';
import { ChargeCloudEvent, toChargeCloudEvent } from './charge-cloud-event';

/** One input event behind a charge. */
export interface LineageEvent {
  readonly id: string;
  readonly type: InputEventType;
  readonly time: string;
}

/** `explain --charge ID` and `GET /v1/charges/{id}/explain` (interfaces.md §3), fields in the contract's order. */
export interface ChargeExplanation {
  /** The charge event exactly as invoicing received it. */
  readonly charge: ChargeCloudEvent;
  readonly tariffVersion: string;
  readonly termsVersion: string;
  readonly lines: readonly ChargeLine[];
  /** The input events the charge was computed from, in event-time order (ties by id). */
  readonly events: readonly LineageEvent[];
  /** How many units the period total after this charge counts (never cut). */
  readonly unitCount: number;
  readonly units: readonly ChargeUnit[];
  /** For a ChargeAdjusted, the units gained and lost against the revision before it; null otherwise. */
  readonly added: readonly ChargeUnit[] | null;
  readonly removed: readonly ChargeUnit[] | null;
  /** Whether a list (events, units, added, removed) was cut at the limit. */
  readonly truncated: boolean;
}

export const DEFAULT_EXPLAIN_LIMIT = 1000;

/**
 * The lineage of a charge, as the decision that issued it counted it (domain chargeLineage).
 * Reads the charge and the revision before it by id, and the charged organisation's events
 * stored before it, of the types its kind depends on (EventStore.readOrganisation: a lookup
 * by organisation, so the cost is that organisation's history, whatever the size of the
 * store); nothing else.
 */
export class Explain {
  constructor(
    private readonly events: EventStore,
    private readonly projections: ProjectionStore,
    private readonly decider: CloseDecider,
  ) {}

  /** Null when no charge has that id. Lists are cut at `limit` (default 1000). */
  async charge(chargeId: string, options: { readonly limit?: number } = {}): Promise<ChargeExplanation | null> {
    const limit = positiveInteger(options.limit ?? DEFAULT_EXPLAIN_LIMIT, 'limit');
    const issued = await this.projections.charge(chargeId);
    if (!issued) return null;
    const { orgId, kind, period, revision } = issued.event.data;
    const previous = revision > 0 ? await this.projections.charge(chargeIdOf(orgId, kind, period, revision - 1)) : null;
    const { history, storedBeforePrevious } = await this.historyBefore(issued, previous);
    const lineage = chargeLineage(this.decider, {
      charge: issued.event,
      history,
      previous: previous ? { charge: previous.event, storedAfter: storedBeforePrevious } : null,
    });
    // The lines as invoicing got them (contract field order), not as storage returned them.
    const charge = toChargeCloudEvent(issued.event);
    const cut = <T>(list: readonly T[]) => list.slice(0, limit);
    const lists = [lineage.events, lineage.units, lineage.added ?? [], lineage.removed ?? []];
    return {
      charge,
      tariffVersion: charge.data.tariffVersion,
      termsVersion: charge.data.termsVersion,
      lines: charge.data.lines,
      events: cut(lineage.events).map(({ id, type, time }) => ({ id, type, time })),
      unitCount: lineage.unitCount,
      units: cut(lineage.units),
      added: lineage.added && cut(lineage.added),
      removed: lineage.removed && cut(lineage.removed),
      truncated: lists.some((list) => list.length > limit),
    };
  }

  /**
   * The organisation's events stored before the charge, of the types its kind depends on
   * (the rest would change nothing), and how many came before the revision before it.
   */
  private async historyBefore(
    issued: IssuedChargeEvent,
    previous: IssuedChargeEvent | null,
  ): Promise<{ history: StoredEvent[]; storedBeforePrevious: number }> {
    // The fold does not depend on the order; only on which events the previous revision's close had seen.
    const beforePrevious: StoredEvent[] = [];
    const afterPrevious: StoredEvent[] = [];
    const { orgId, kind } = issued.event.data;
    const reading = { before: issued.position, types: eventTypesBehind(kind) };
    for await (const batch of this.events.readOrganisation(orgId, reading)) {
      for (const { event, position } of batch) {
        (previous && position < previous.position ? beforePrevious : afterPrevious).push(event);
      }
    }
    return { history: [...beforePrevious, ...afterPrevious], storedBeforePrevious: beforePrevious.length };
  }
}
