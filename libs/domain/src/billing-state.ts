import { Charge, IssuedCharge } from './charges/charge';
import { OrganisationLedger } from './close/decide-close';
import { admit } from './contract/admission';
import { insertApplication } from './contract/organisation-applications';
import { ContractEvent } from './events/contract-events';
import { StoredEvent, organisationOf } from './events/stored-event';
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
  /** Whether usage keeps what explain lists (OrganisationUsage's `units`). */
  readonly units: boolean;
}

export function initialBillingState(options: { deduplicate?: boolean; units?: boolean } = {}): BillingState {
  return { organisations: new Map(), deduplicate: options.deduplicate ?? true, units: options.units ?? false };
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

/**
 * What the close decides an organisation from, however it was kept: folded from events
 * here, or read from the projections (usage as counters per day or month) in production.
 */
export interface OrganisationMaterials {
  readonly orgId: string;
  /** In evaluation order: event time, ties by event id. */
  readonly applications: readonly ContractEvent[];
  readonly usage: UsageView;
  readonly issued: readonly IssuedCharge[];
}

export function materialsOf(org: OrganisationState): OrganisationMaterials {
  return { orgId: org.orgId, applications: org.applications, usage: org.usage, issued: [...org.issued.values()] };
}

/** The close's view of an organisation from its materials: applications are judged now, under the tariff's terms. */
export function organisationLedger(materials: OrganisationMaterials, tariff: Tariff): OrganisationLedger {
  return {
    orgId: materials.orgId,
    contract: admit(materials.orgId, materials.applications, tariff).contract,
    usage: materials.usage,
    issued: materials.issued,
  };
}

function organisation(state: BillingState, orgId: string): OrganisationState {
  let org = state.organisations.get(orgId);
  if (!org) {
    org = {
      orgId,
      usage: new OrganisationUsage({ deduplicate: state.deduplicate, units: state.units }),
      applications: [],
      issued: new Map(),
    };
    state.organisations.set(orgId, org);
  }
  return org;
}
