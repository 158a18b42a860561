import { ChargeEvent } from '@smartme/domain';
import { DeadLetter } from './dead-letters';

/** Publishes charge events to invoicing; resolves once the broker has acknowledged all of them. */
export interface ChargePublisher {
  publish(events: readonly ChargeEvent[]): Promise<void>;
}

/** Copies rejected input to the dead-letter topic, for the producers' own monitoring. */
export interface DeadLetterPublisher {
  publish(letters: readonly DeadLetter[]): Promise<void>;
}
