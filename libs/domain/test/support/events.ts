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
  Service,
  StoredEvent,
  Tariff,
  decide,
  evolve,
  initialBillingState,
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

/**
 * A small event store for tests: events go in, closes run as of a JST time, and every
 * charge a close issues is stored back, as the service does.
 */
export class Billing {
  readonly state: BillingState = initialBillingState();
  readonly issued: ChargeEvent[] = [];

  constructor(
    private readonly tariff: Tariff,
    private readonly closeGraceMs = 60 * 60 * 1000,
  ) {}

  given(...events: StoredEvent[]): this {
    for (const event of events) evolve(this.state, event);
    return this;
  }

  close(asOf: string): ChargeEvent[] {
    const charges = decide(
      { asOfMs: parseInstant(jst(asOf)).epochMs, closeGraceMs: this.closeGraceMs },
      this.state,
      this.tariff,
    );
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
