import {
  BillingPeriod,
  ChargeKind,
  ChargeLine,
  ContractEvent,
  DayNumber,
  InputEvent,
  admit,
  isInputEvent,
  organisationOf,
  billingWindowOf,
  dayOfInstant,
  insertApplication,
  instantKey,
  monthOfDay,
  parseInstant,
  periodNamed,
} from '@smartme/domain';
import { EventStore, IssuedChargeEvent, ProjectionStore } from '@smartme/ports';
import { BillingSettings } from './billing-settings';
import { ChargeCloudEvent, toChargeCloudEvent } from './charge-cloud-event';

/** One input event behind a charge. */
export interface LineageEvent {
  readonly id: string;
  readonly type: InputEvent['type'];
  readonly time: string;
}

/** `explain --charge ID` (interfaces.md §3): the lineage of a charge. */
export interface ChargeLineage {
  /** The charge event exactly as invoicing received it. */
  readonly charge: ChargeCloudEvent;
  readonly tariffVersion: string;
  readonly termsVersion: string;
  readonly lines: readonly ChargeLine[];
  /** The input events the charge was computed from, in event-time order (ties by id). */
  readonly events: readonly LineageEvent[];
}

const LIFECYCLE = new Set<string>(['IdRegistered', 'IdRevoked']);
const CONTRACT = new Set<string>(['ContractOpened', 'IdServiceAdded', 'HeadcountChanged', 'ContractClosed']);

/**
 * The lineage of a charge: which input events made it. Only events stored before the
 * charge count (its position in the event store), so a charge is explained by what the
 * close that issued it knew: an original charge does not list a late event, the
 * adjustment that the late event caused does. Per kind (billing-rules.md §2):
 * - `monthly-fee`: every ID registration and revocation of the organisation up to the
 *   end of the period (they decide which IDs are active at its end);
 * - `id-registration`: the registrations and revocations within the period, and for each
 *   ID registered in it the last lifecycle event before it (whether the ID was already
 *   active, which makes a registration a no-op);
 * - `verification`: the counted verifications of the organisation's credentials in the
 *   billing year (internal ones are not billed, so they are not listed);
 * - `initial-fee`: the application that gave the contract its ID service (its basis);
 * - `initial-fee-true-up`: that application, the headcount reports assessed in the month,
 *   and the ID lifecycle up to the month end (the over-limit check on the active count).
 * The contract closure that cut the period short is listed too.
 *
 * Cost: the charge is found among all issued charges, and the organisation's events by
 * reading the event store from the start up to the charge. That is fine for an operator's
 * question; an index by charge id and by organisation would make it cheap.
 */
export class Explain {
  constructor(
    private readonly events: EventStore,
    private readonly projections: ProjectionStore,
    private readonly settings: Pick<BillingSettings, 'tariff' | 'closeGraceMs'>,
  ) {}

  /** Null when no charge has that id. */
  async charge(chargeId: string): Promise<ChargeLineage | null> {
    const issued = (await this.projections.charges()).find((c) => c.event.data.chargeId === chargeId);
    if (!issued) return null;
    const inputs = await this.inputsBefore(issued);
    // The lines as invoicing got them (contract field order), not as storage returned them.
    const charge = toChargeCloudEvent(issued.event);
    const { data } = charge;
    return {
      charge,
      tariffVersion: data.tariffVersion,
      termsVersion: data.termsVersion,
      lines: data.lines,
      events: this.lineage(data.kind, data.period, data.orgId, inputs).map(({ id, type, time }) => ({
        id,
        type,
        time,
      })),
    };
  }

  /** The organisation's input events stored before the charge. */
  private async inputsBefore(issued: IssuedChargeEvent): Promise<InputEvent[]> {
    const orgId = issued.event.data.orgId;
    const inputs: InputEvent[] = [];
    for await (const batch of this.events.readAll({ after: 0n })) {
      for (const recorded of batch) {
        if (recorded.position >= issued.position) return inputs;
        if (isInputEvent(recorded.event) && organisationOf(recorded.event) === orgId) inputs.push(recorded.event);
      }
    }
    return inputs;
  }

  private lineage(kind: ChargeKind, periodName: string, orgId: string, inputs: readonly InputEvent[]): InputEvent[] {
    const { tariff, closeGraceMs } = this.settings;
    const applications = inputs
      .filter((e): e is ContractEvent => CONTRACT.has(e.type))
      .reduce<readonly ContractEvent[]>((list, event) => insertApplication(list, event), []);
    const admission = admit(orgId, applications, tariff);
    const contract = admission.contract;
    const period = periodNamed(periodName, billingWindowOf(contract), tariff.verificationYear.startMonth, closeGraceMs);
    const dayOf = (event: InputEvent) => dayOfInstant(parseInstant(event.time).epochMs);
    const lifecycleUpToEnd = () => inputs.filter((e) => LIFECYCLE.has(e.type) && dayOf(e) <= period.lastDay);

    const chosen: InputEvent[] = [];
    const byId = (ids: readonly string[]) => inputs.filter((e) => ids.includes(e.id));
    switch (kind) {
      case 'monthly-fee':
        chosen.push(...lifecycleUpToEnd());
        break;
      case 'id-registration':
        chosen.push(
          ...registrationsIn(
            period,
            inputs.filter((e) => LIFECYCLE.has(e.type)),
            dayOf,
          ),
        );
        break;
      case 'verification':
        chosen.push(
          ...inputs.filter(
            (e) =>
              e.type === 'CredentialVerified' &&
              e.data.verifierOrgId !== e.data.holderOrgId &&
              dayOf(e) >= period.firstDay &&
              dayOf(e) <= period.lastDay,
          ),
        );
        break;
      case 'initial-fee':
        chosen.push(...byId(contract?.idService ? [contract.idService.eventId] : []));
        break;
      case 'initial-fee-true-up': {
        const service = contract?.idService;
        const openingMonth = service ? monthOfDay(service.openedOn) : null;
        const reports = (contract?.headcountReports ?? []).filter(
          (report) => openingMonth !== null && Math.max(monthOfDay(report.changedOn), openingMonth) === period.month,
        );
        chosen.push(
          ...byId([...(service ? [service.eventId] : []), ...reports.map((r) => r.eventId)]),
          ...lifecycleUpToEnd(),
        );
        break;
      }
    }
    // The closure that ended the contract within the period decided where the period ends.
    const closedOn = contract?.closedOn ?? null;
    if (closedOn !== null && closedOn >= period.firstDay && closedOn <= period.lastDay) {
      const closure = admission.decisions.find((d) => d.type === 'ContractClosed' && d.status === 'accepted');
      if (closure) chosen.push(...byId([closure.eventId]));
    }
    return inEventOrder(chosen);
  }
}

/**
 * The lifecycle events of a month, and before it the last event of each ID registered in
 * the month: a registration counts only if the ID was not active already (§2.1).
 */
function registrationsIn(
  period: BillingPeriod,
  lifecycle: readonly InputEvent[],
  dayOf: (e: InputEvent) => DayNumber,
): InputEvent[] {
  const within = lifecycle.filter((e) => dayOf(e) >= period.firstDay && dayOf(e) <= period.lastDay);
  const registered = new Set(within.filter((e) => e.type === 'IdRegistered').map(idOf));
  const before = new Map<string, InputEvent>();
  for (const event of inEventOrder(lifecycle.filter((e) => dayOf(e) < period.firstDay && registered.has(idOf(e))))) {
    before.set(idOf(event), event);
  }
  return [...before.values(), ...within];
}

function idOf(event: InputEvent): string {
  return event.type === 'IdRegistered' || event.type === 'IdRevoked' ? event.data.idId : '';
}

/** Event time, ties by event id, without duplicates: the order the domain applies events in. */
function inEventOrder(events: readonly InputEvent[]): InputEvent[] {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()];
  const key = (e: InputEvent) => `${instantKey(parseInstant(e.time))}|${e.id}`;
  return unique
    .map((e) => ({ e, k: key(e) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map(({ e }) => e);
}
