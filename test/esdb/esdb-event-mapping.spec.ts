import { contentHashOf } from '../../libs/adapters/src/event-store/content-hash';
import {
  EsdbRecordedFields,
  eventDataOf,
  isOutboxEvent,
  prepareEvent,
  recordedEventOf,
} from '../../libs/adapters/src/esdb/esdb-event-mapping';
import { EsdbStreamNames, esdbEventIdOf } from '../../libs/adapters/src/esdb/esdb-names';
import { chargeIssued, credentialVerified, idRegistered, oddlyShaped } from '../contract/event-store.contract';
import { EventRecord } from '@smartme/ports';

const names = new EsdbStreamNames();

/** What the server hands back for an appended event: JSON that went over the wire as bytes. */
function roundTrip(record: EventRecord, outbox = false): EsdbRecordedFields {
  const prepared = prepareEvent(record, names, { outbox });
  const data = eventDataOf(prepared);
  return {
    streamId: prepared.stream,
    id: data.id,
    revision: 3n,
    type: data.type,
    isJson: data.contentType === 'application/json',
    data: JSON.parse(Buffer.from(JSON.stringify(data.data), 'utf8').toString('utf8')),
    metadata: JSON.parse(JSON.stringify(data.metadata)),
  };
}

describe('event ↔ ESDB event', () => {
  it('writes the event to its billed organisation stream, id mapped, CloudEvent fields in the metadata', () => {
    const record = credentialVerified('v-1', 'holder-org', 'verifier-org');
    const prepared = prepareEvent(record, names, { outbox: false });
    expect(prepared).toMatchObject({
      cloudEventId: 'v-1',
      esdbEventId: esdbEventIdOf('v-1'),
      orgId: 'holder-org',
      stream: 'billing-org-holder-org',
    });
    expect(eventDataOf(prepared)).toEqual({
      id: esdbEventIdOf('v-1'),
      contentType: 'application/json',
      type: 'CredentialVerified',
      data: record.event.data,
      metadata: {
        cloudEventId: 'v-1',
        source: 'identity-platform',
        time: record.event.time,
        contentHash: contentHashOf(record),
      },
    });
    expect(prepareEvent(chargeIssued('c-1', 'charged-org'), names, { outbox: true })).toMatchObject({
      stream: 'billing-org-charged-org',
      metadata: { outbox: true },
    });
  });

  it('reads back exactly what was written, position from $all', () => {
    for (const record of [
      idRegistered('r-1'),
      oddlyShaped('odd-1'),
      credentialVerified('v-1', 'h', 'v'),
      chargeIssued('c-1'),
    ]) {
      expect(recordedEventOf(roundTrip(record), 123n, names)).toEqual({ ...record, position: 123n });
    }
  });

  it('keeps the content hash of the SQL stores: same content in another key order is the same content', () => {
    const a = idRegistered('x');
    const b: EventRecord = {
      source: a.source,
      event: {
        id: 'x',
        type: 'IdRegistered',
        time: a.event.time,
        data: { idId: 'm-x', orgId: 'acme' },
      } as EventRecord['event'],
    };
    expect(prepareEvent(a, names, { outbox: false }).contentHash).toBe(
      prepareEvent(b, names, { outbox: false }).contentHash,
    );
  });

  it('skips events of other streams, and marks only charges stored by appendCharges as queued', () => {
    expect(recordedEventOf({ ...roundTrip(idRegistered('r')), streamId: 'billing-id-x' }, 1n, names)).toBeNull();
    expect(isOutboxEvent(roundTrip(chargeIssued('c'), true), names)).toBe(true);
    expect(isOutboxEvent(roundTrip(chargeIssued('c'), false), names)).toBe(false);
    expect(isOutboxEvent({ ...roundTrip(chargeIssued('c'), true), streamId: 'other-org-acme' }, names)).toBe(false);
  });

  it('refuses an event in our streams that this adapter did not write', () => {
    const good = roundTrip(idRegistered('r'));
    expect(() => recordedEventOf({ ...good, metadata: undefined }, 1n, names)).toThrow(
      /event 3@billing-org-acme: metadata.cloudEventId is missing/,
    );
    expect(() => recordedEventOf({ ...good, id: esdbEventIdOf('other') }, 1n, names)).toThrow(
      /is not the UUIDv5 of its CloudEvent id "r"/,
    );
    expect(() => recordedEventOf({ ...good, isJson: false }, 1n, names)).toThrow(/not a JSON object/);
  });
});
