import { Message } from 'kafkajs';
import { ChargeEvent } from '@smartme/domain';
import { ChargePublisher } from '@smartme/ports';
import { toChargeCloudEvent } from '@smartme/application';
import { ProducerConnection } from './producer-connection';

export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

/**
 * Publishes charge events to invoicing (interfaces.md §2): CloudEvents structured mode, keyed
 * by organisation so one organisation's charges stay in order on one partition. Resolves only
 * once every message is acknowledged by all in-sync replicas; a rejection means "maybe some
 * were written": the caller publishes them all again and invoicing dedupes by CloudEvent id.
 */
export class KafkaChargePublisher implements ChargePublisher {
  constructor(
    private readonly producer: ProducerConnection,
    private readonly topic: string,
  ) {}

  async publish(events: readonly ChargeEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.producer.send({ topic: this.topic, messages: events.map(toChargeMessage) });
  }
}

export function toChargeMessage(event: ChargeEvent): Message {
  return {
    key: event.data.orgId,
    value: JSON.stringify(toChargeCloudEvent(event)),
    headers: { 'content-type': CLOUDEVENTS_JSON },
  };
}
