import type { ChargeEvent } from '../charges/charge';
import type { ContractEvent } from './contract-events';
import type { CredentialVerified, IdLifecycleEvent } from './identity-events';
import type { InputEvent, InputEventType } from './input-event';

/** Everything the event store holds: what producers sent, and the charges the close issued. */
export type StoredEvent = InputEvent | ChargeEvent;
export type StoredEventType = StoredEvent['type'];

/** What a stored event is to billing: the rules that read it go by this. */
export type EventFamily = 'id-lifecycle' | 'verification' | 'contract' | 'charge';

/**
 * The family a type belongs to, by the union it is declared in: a type in none of them is
 * `never`, which no table entry can satisfy.
 */
type FamilyOf<T extends StoredEventType> = T extends IdLifecycleEvent['type']
  ? 'id-lifecycle'
  : T extends CredentialVerified['type']
    ? 'verification'
    : T extends ContractEvent['type']
      ? 'contract'
      : T extends ChargeEvent['type']
        ? 'charge'
        : never;

/**
 * Every stored event type and its family, in one table: a new event type does not compile
 * until it is placed here (and then in every exhaustive fold: `evolve`, the projections,
 * the lineage), and its entry must match the union it was declared in, so the guards below
 * never lie. The key order is the order types are listed in (intake's messages).
 */
const FAMILIES: { readonly [T in StoredEventType]: FamilyOf<T> } = {
  IdRegistered: 'id-lifecycle',
  IdRevoked: 'id-lifecycle',
  CredentialVerified: 'verification',
  ContractOpened: 'contract',
  IdServiceAdded: 'contract',
  HeadcountChanged: 'contract',
  ContractClosed: 'contract',
  ChargeIssued: 'charge',
  ChargeAdjusted: 'charge',
};

export const STORED_EVENT_TYPES = Object.keys(FAMILIES) as StoredEventType[];

/** What producers may send: every stored type but the charges, which only the close writes. */
export const INPUT_EVENT_TYPES = STORED_EVENT_TYPES.filter((type) => FAMILIES[type] !== 'charge') as InputEventType[];

export function familyOf(type: StoredEventType): EventFamily {
  return FAMILIES[type];
}

/** Whether a type name read back from storage is one of ours (storage holds plain text). */
export function isStoredEventType(type: string): type is StoredEventType {
  return Object.hasOwn(FAMILIES, type);
}

export function isChargeEvent(event: StoredEvent): event is ChargeEvent {
  return FAMILIES[event.type] === 'charge';
}

export function isInputEvent(event: StoredEvent): event is InputEvent {
  return FAMILIES[event.type] !== 'charge';
}

export function isContractEvent(event: StoredEvent): event is ContractEvent {
  return FAMILIES[event.type] === 'contract';
}

export function isIdLifecycleEvent(event: StoredEvent): event is IdLifecycleEvent {
  return FAMILIES[event.type] === 'id-lifecycle';
}

export function isVerification(event: StoredEvent): event is CredentialVerified {
  return FAMILIES[event.type] === 'verification';
}

/**
 * The organisation a stored event belongs to: the billed one for input (for a verification,
 * the holder's, §2.4), the charged one for a charge. The event store keeps an
 * organisation's events together by it, and every fold routes by it.
 */
export function organisationOf(event: StoredEvent): string {
  switch (event.type) {
    case 'CredentialVerified':
      return event.data.holderOrgId;
    case 'IdRegistered':
    case 'IdRevoked':
    case 'ContractOpened':
    case 'IdServiceAdded':
    case 'HeadcountChanged':
    case 'ContractClosed':
    case 'ChargeIssued':
    case 'ChargeAdjusted':
      return event.data.orgId;
    default: {
      const _exhaustive: never = event;
      throw new TypeError(`no organisation for event type ${(_exhaustive as StoredEvent).type}`);
    }
  }
}
