import { ContractEvent } from './contract-events';
import { IdentityEvent } from './identity-events';

/** Everything producers send to billing. */
export type InputEvent = IdentityEvent | ContractEvent;
export type InputEventType = InputEvent['type'];
