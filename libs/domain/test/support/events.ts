import {
  BillingState,
  ChargeEvent,
  ContractClosed,
  ContractOpened,
  CredentialVerified,
  HeadcountChanged,
  IdRegistered,
  IdRevoked,
  IdServiceAdded,
  LineageQuestion,
  Service,
  StoredEvent,
  CloseDecider,
  Tariff,
  closeDecider,
  isChargeEvent,
  organisationOf,
  parseInstant,
} from '../../src';

let sequence = 0;
const nextId = (prefix: string) => `${prefix}-${String(++sequence).padStart(6, '0')}`;

/** Times in tests are JST wall-clock unless they carry their own offset. */
const jst = (time: string) => (/[zZ]|[+-]\d{2}:\d{2}$/.test(time) ? time : `${time}+09:00`);

export const registered = (orgId: string, idId: string, time: string, id = nextId('reg')): IdRegistered => ({
  id,
  type: 'IdRegistered',
  time: jst(time),
  data: { orgId, idId },
});

export const revoked = (orgId: string, idId: string, time: string, id = nextId('rev')): IdRevoked => ({
  id,
  type: 'IdRevoked',
  time: jst(time),
  data: { orgId, idId, reason: 'revoked' },
});

export const verified = (
  holderOrgId: string,
  verifierOrgId: string,
  time: string,
  id = nextId('ver'),
): CredentialVerified => ({
  id,
  type: 'CredentialVerified',
  time: jst(time),
  data: { holderOrgId, holderIdId: 'h', verifierOrgId },
});

export interface Application {
  appliedOn: string;
  openedOn: string;
  declaredMembers?: number;
  plannedUsers?: number;
  channel?: string;
  time?: string;
  id?: string;
}

export const contractOpened = (orgId: string, services: Service[], app: Application): ContractOpened => ({
  id: app.id ?? nextId('open'),
  type: 'ContractOpened',
  time: jst(app.time ?? `${app.appliedOn}T10:00:00`),
  data: {
    orgId,
    appliedOn: app.appliedOn,
    openedOn: app.openedOn,
    services,
    declaredMembers: app.declaredMembers ?? 10,
    plannedUsers: app.plannedUsers ?? 10,
    ...(app.channel ? { channel: app.channel } : {}),
  },
});

export const idServiceAdded = (orgId: string, app: Application): IdServiceAdded => ({
  id: app.id ?? nextId('add'),
  type: 'IdServiceAdded',
  time: jst(app.time ?? `${app.appliedOn}T10:00:00`),
  data: {
    orgId,
    appliedOn: app.appliedOn,
    openedOn: app.openedOn,
    declaredMembers: app.declaredMembers ?? 10,
    plannedUsers: app.plannedUsers ?? 10,
    ...(app.channel ? { channel: app.channel } : {}),
  },
});

export const headcountChanged = (
  orgId: string,
  changedOn: string,
  declaredMembers: number,
  plannedUsers: number,
  time = `${changedOn}T12:00:00`,
): HeadcountChanged => ({
  id: nextId('hc'),
  type: 'HeadcountChanged',
  time: jst(time),
  data: { orgId, changedOn, declaredMembers, plannedUsers },
});

export const contractClosed = (orgId: string, closedOn: string, time = `${closedOn}T12:00:00`): ContractClosed => ({
  id: nextId('close'),
  type: 'ContractClosed',
  time: jst(time),
  data: { orgId, closedOn },
});

/** A close as of a JST wall-clock time (or an instant with its own offset). */
export const closeAsOf = (asOf: string, closeGraceMs = 60 * 60 * 1000) => ({
  asOfMs: parseInstant(jst(asOf)).epochMs,
  closeGraceMs,
});

/**
 * A small event store for tests, on the close's decider: events go in (the decider's
 * evolve), closes run as of a JST time (its decide), and every charge a close issues is
 * stored back, as the service does. `stored` is the store in append order.
 */
export class Billing {
  private readonly decider: CloseDecider;
  readonly state: BillingState;
  readonly issued: ChargeEvent[] = [];
  /** The store in append order: every event id once, as the event store keeps it. */
  readonly stored: StoredEvent[] = [];
  private readonly storedIds = new Set<string>();

  constructor(
    tariff: Tariff,
    private readonly closeGraceMs = 60 * 60 * 1000,
  ) {
    this.decider = closeDecider(tariff);
    this.state = this.decider.initialState();
  }

  given(...events: StoredEvent[]): this {
    for (const event of events) {
      // Redeliveries reach the evolver too: it must recognise them itself.
      this.decider.evolve(this.state, event);
      if (this.storedIds.has(event.id)) continue;
      this.storedIds.add(event.id);
      this.stored.push(event);
    }
    return this;
  }

  close(asOf: string): ChargeEvent[] {
    const charges = this.decider.decide(closeAsOf(asOf, this.closeGraceMs), this.state);
    this.issued.push(...charges);
    return this.given(...charges) && charges;
  }
}

/** The columns of the spec's expected-charges tables. */
export const summary = (events: readonly ChargeEvent[]) =>
  events.map(({ type, data }) => ({
    type,
    orgId: data.orgId,
    kind: data.kind,
    period: data.period,
    revision: data.revision,
    quantity: data.quantity,
    amount: data.amount,
  }));

/**
 * What explain asks about a charge of a store kept in append order: the charged
 * organisation's events stored before it, and for an adjustment how many of them were
 * stored before the revision before it.
 */
export function lineageQuestion(stored: readonly StoredEvent[], charge: ChargeEvent): LineageQuestion {
  const at = stored.findIndex((event) => event.id === charge.id);
  if (at < 0) throw new Error(`charge ${charge.id} is not in the store`);
  const { orgId, kind, period, revision } = charge.data;
  const history = stored.slice(0, at).filter((event) => organisationOf(event) === orgId);
  const previousAt = history.findIndex(
    (event) =>
      isChargeEvent(event) &&
      event.data.kind === kind &&
      event.data.period === period &&
      event.data.revision === revision - 1,
  );
  return {
    charge,
    history,
    previous: previousAt < 0 ? null : { charge: history[previousAt] as ChargeEvent, storedAfter: previousAt },
  };
}
