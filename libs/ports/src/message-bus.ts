import { ChargeEvent } from '@smartme/domain';

/** Publishes charge events to invoicing; resolves once the broker has acknowledged all of them. */
export interface ChargePublisher {
  publish(events: readonly ChargeEvent[]): Promise<void>;
}
