import { ContractEvent } from './contract-events';
import { IdentityEvent } from './identity-events';

/** Everything producers send to billing. */
export type InputEvent = IdentityEvent | ContractEvent;
export type InputEventType = InputEvent['type'];

export const IDENTITY_EVENT_TYPES = ['IdRegistered', 'IdRevoked', 'CredentialVerified'] as const;
export const CONTRACT_EVENT_TYPES = ['ContractOpened', 'IdServiceAdded', 'HeadcountChanged', 'ContractClosed'] as const;
export const INPUT_EVENT_TYPES: readonly InputEventType[] = [...IDENTITY_EVENT_TYPES, ...CONTRACT_EVENT_TYPES];

/** The organisation an event is billed to: the holder's, for a verification (§2.4). */
export function billedOrganisation(event: InputEvent): string {
  return event.type === 'CredentialVerified' ? event.data.holderOrgId : event.data.orgId;
}
