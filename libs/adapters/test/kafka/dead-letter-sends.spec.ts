import fc from 'fast-check';
import { Producer, ProducerRecord } from 'kafkajs';
import {
  DEAD_LETTER_SEND_BYTES,
  KafkaDeadLetterPublisher,
  RejectedMessage,
} from '../../src/kafka/kafka-dead-letter-publisher';
import { ProducerConnection } from '../../src/kafka/producer-connection';

/** A producer that only records what it was asked to send (the broker's limits are the test's). */
function recordingProducer(): { connection: ProducerConnection; sends: ProducerRecord[] } {
  const sends: ProducerRecord[] = [];
  const producer = {
    connect: async () => undefined,
    send: async (record: ProducerRecord) => {
      sends.push(record);
      return [];
    },
  } as unknown as Producer;
  return { connection: new ProducerConnection(producer), sends };
}

function rejected(size: number, n: number): RejectedMessage {
  return { raw: Buffer.alloc(size, 0x61), reason: `r${n}`, source: `topic/0/${n}`, eventId: null, key: 'org-1' };
}

describe('dead-letter topic: a chunk of rejected input in sends a broker accepts', () => {
  it('sends every message once, in order, no send over the limit unless it is one message alone', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 900_000 }), { maxLength: 30 }), async (sizes) => {
        const { connection, sends } = recordingProducer();
        await new KafkaDeadLetterPublisher(connection, 'dead').publishRejected(sizes.map(rejected));

        const sent = sends.flatMap((send) => send.messages);
        expect(sent.map((message) => message.headers?.billing_source)).toEqual(sizes.map((_, n) => `topic/0/${n}`));
        for (const send of sends) {
          const values = send.messages.reduce((sum, message) => sum + (message.value as Buffer).length, 0);
          if (send.messages.length > 1) expect(values).toBeLessThanOrEqual(DEAD_LETTER_SEND_BYTES);
        }
        expect(sends.every((send) => send.topic === 'dead' && send.messages.length > 0)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
