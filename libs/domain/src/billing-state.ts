import { Charge, ChargeEvent, IssuedCharge } from './charges/charge';
import { Admission, admit } from './contract/admission';
import { insertApplication } from './contract/organisation-applications';
import { ContractEvent } from './events/contract-events';
import { StoredEvent, organisationOf } from './events/stored-event';
import { ClosePeriods, OrganisationLedger, decideClose } from './close/decide-close';
import { Tariff } from './tariff/tariff';
import { OrganisationUsage } from './usage/organisation-usage';
import { UsageView } from './usage/usage-view';

/** Everything billing knows of one organisation. */
export interface OrganisationState {
  readonly orgId: string;
  readonly usage: OrganisationUsage;
  applications: readonly ContractEvent[];
  readonly issued: Map<string, Charge>;
}

/** The whole billing state: a fold of the event store (input events and issued charges). */
export interface BillingState {
  readonly organisations: Map<string, OrganisationState>;
  /** Whether redelivered events must be recognised; a fold of the event store need not. */
  readonly deduplicate: boolean;
}

export function initialBillingState(options: { deduplicate?: boolean } = {}): BillingState {
  return { organisations: new Map(), deduplicate: options.deduplicate ?? true };
}

/**
 * The evolver: applies one stored event. Input events are ordered inside the state by
 * their event time, and every event id is applied once, so any permutation of a set of
 * events, delivered any number of times, folds to the same state. Mutates and returns
 * `state` (the fold owns it; copying a million IDs per event would be the alternative).
 */
export function evolve(state: BillingState, event: StoredEvent): BillingState {
  const org = organisation(state, organisationOf(event));
  switch (event.type) {
    case 'IdRegistered':
    case 'IdRevoked':
      org.usage.applyLifecycle(event);
      break;
    case 'CredentialVerified':
      org.usage.applyVerification(event);
      break;
    case 'ChargeIssued':
    case 'ChargeAdjusted':
      org.issued.set(event.data.chargeId, event.data);
      break;
    case 'ContractOpened':
    case 'IdServiceAdded':
    case 'HeadcountChanged':
    case 'ContractClosed':
      org.applications = insertApplication(org.applications, event);
      break;
    default: {
      const _exhaustive: never = event;
      throw new TypeError(`evolve: unknown event type ${(_exhaustive as StoredEvent).type}`);
    }
  }
  return state;
}

export function admissionOf(org: OrganisationState, tariff: Tariff): Admission {
  return admit(org.orgId, org.applications, tariff);
}

export function ledgerOf(org: OrganisationState, tariff: Tariff): OrganisationLedger {
  return organisationLedger(
    { orgId: org.orgId, applications: org.applications, usage: org.usage.view(), issued: [...org.issued.values()] },
    tariff,
  );
}

/** The close's view of an organisation from its projected materials: applications are judged now, under the tariff's terms. */
export function organisationLedger(
  materials: {
    orgId: string;
    applications: readonly ContractEvent[];
    usage: UsageView;
    issued: readonly IssuedCharge[];
  },
  tariff: Tariff,
): OrganisationLedger {
  return {
    orgId: materials.orgId,
    contract: admit(materials.orgId, materials.applications, tariff).contract,
    usage: materials.usage,
    issued: materials.issued,
  };
}

/**
 * The decider: the charges a close as of `command.asOfMs` issues, organisation by
 * organisation (in id order, so the output is deterministic), each in period order.
 */
export function decide(command: ClosePeriods, state: BillingState, tariff: Tariff): ChargeEvent[] {
  return [...state.organisations.keys()]
    .sort()
    .flatMap((orgId) => decideClose(ledgerOf(state.organisations.get(orgId)!, tariff), command, tariff));
}

function organisation(state: BillingState, orgId: string): OrganisationState {
  let org = state.organisations.get(orgId);
  if (!org) {
    org = {
      orgId,
      usage: new OrganisationUsage({ deduplicate: state.deduplicate }),
      applications: [],
      issued: new Map(),
    };
    state.organisations.set(orgId, org);
  }
  return org;
}
