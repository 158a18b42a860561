import type { JSONEventData, JSONType } from '@eventstore/db-client';
import { StoredEvent, familyOf, isStoredEventType, organisationOf } from '@smartme/domain';
import { EventRecord, RecordedEvent } from '@smartme/ports';
import { contentHashOf } from '../event-store/content-hash';
import { esdbEventIdOf, EsdbStreamNames } from './esdb-names';

/**
 * What an event carries besides its data. The CloudEvent id (the ESDB id is only its
 * UUIDv5), the source and the time as sent, the content hash that tells a duplicate from a
 * conflict, and `outbox: true` on charges stored by appendCharges: the event is its own
 * outbox entry (there is no transaction spanning an event and another table here).
 */
export interface EsdbEventMetadata {
  readonly cloudEventId: string;
  readonly source: string;
  readonly time: string;
  readonly contentHash: string;
  readonly outbox?: true;
}

/** An event record ready to append: where it goes and what is written. */
export interface PreparedEvent {
  readonly cloudEventId: string;
  readonly esdbEventId: string;
  readonly orgId: string;
  readonly stream: string;
  readonly contentHash: string;
  readonly type: string;
  readonly data: JSONType;
  readonly metadata: EsdbEventMetadata;
}

export function prepareEvent(
  record: EventRecord,
  names: EsdbStreamNames,
  options: { readonly outbox: boolean },
): PreparedEvent {
  const { event, source } = record;
  if (typeof event.data !== 'object' || event.data === null)
    throw new TypeError(`event ${event.id}: data must be a JSON object`);
  const orgId = organisationOf(event);
  const contentHash = contentHashOf(record);
  const metadata: EsdbEventMetadata = options.outbox
    ? { cloudEventId: event.id, source, time: event.time, contentHash, outbox: true }
    : { cloudEventId: event.id, source, time: event.time, contentHash };
  return {
    cloudEventId: event.id,
    esdbEventId: esdbEventIdOf(event.id),
    orgId,
    stream: names.organisation(orgId),
    contentHash,
    type: event.type,
    data: event.data as unknown as JSONType,
    metadata,
  };
}

/** The event as ESDB appends it (what `jsonEvent` would build, with our id). */
export function eventDataOf(
  prepared: Pick<PreparedEvent, 'esdbEventId' | 'type' | 'data' | 'metadata'>,
): JSONEventData {
  return {
    id: prepared.esdbEventId,
    contentType: 'application/json',
    type: prepared.type,
    data: prepared.data,
    metadata: prepared.metadata as unknown as JSONType,
  } as JSONEventData;
}

/** The fields of an event read back that the mapping needs (a subset of the client's RecordedEvent). */
export interface EsdbRecordedFields {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
}

/** The store's view of an event read from ESDB, or null when it is not one of this store's events. */
export function recordedEventOf(
  recorded: EsdbRecordedFields,
  position: bigint,
  names: EsdbStreamNames,
): RecordedEvent | null {
  if (!names.isOrganisationStream(recorded.streamId)) return null;
  const metadata = metadataOf(recorded);
  const data = recorded.data;
  if (!recorded.isJson || typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Error(`${describe(recorded)}: data is not a JSON object`);
  }
  return {
    event: { id: metadata.cloudEventId, type: recorded.type, time: metadata.time, data } as StoredEvent,
    source: metadata.source,
    position,
  };
}

/** The metadata of one of this store's events, checked (a malformed one means someone else wrote to our streams). */
export function metadataOf(recorded: EsdbRecordedFields): EsdbEventMetadata {
  const metadata = recorded.metadata as Partial<Record<keyof EsdbEventMetadata, unknown>> | undefined;
  const text = (key: 'cloudEventId' | 'source' | 'time' | 'contentHash'): string => {
    const value = metadata?.[key];
    if (typeof value !== 'string' || value === '') throw new Error(`${describe(recorded)}: metadata.${key} is missing`);
    return value;
  };
  const cloudEventId = text('cloudEventId');
  if (esdbEventIdOf(cloudEventId) !== recorded.id) {
    throw new Error(
      `${describe(recorded)}: event id ${recorded.id} is not the UUIDv5 of its CloudEvent id ${JSON.stringify(cloudEventId)}`,
    );
  }
  const base = { cloudEventId, source: text('source'), time: text('time'), contentHash: text('contentHash') };
  return metadata?.outbox === true ? { ...base, outbox: true } : base;
}

/** Whether an event read back is a charge queued for publication (stored by appendCharges). */
export function isOutboxEvent(recorded: EsdbRecordedFields, names: EsdbStreamNames): boolean {
  if (!names.isOrganisationStream(recorded.streamId)) return false;
  if (!isStoredEventType(recorded.type) || familyOf(recorded.type) !== 'charge') return false;
  return (recorded.metadata as { outbox?: unknown } | undefined)?.outbox === true;
}

function describe(recorded: EsdbRecordedFields): string {
  return `event ${recorded.revision}@${recorded.streamId}`;
}
