import { v5 as uuidv5, validate as isUuid } from 'uuid';

/**
 * The namespace of the ESDB event ids derived from CloudEvent ids. Fixed forever: a
 * retry must map to the id the first attempt used, or neither ESDB's idempotent-write
 * check nor the id guard streams could recognise it.
 */
export const ESDB_EVENT_ID_NAMESPACE = 'c5d1f145-8624-4005-b125-f9e6874fd5fe';

/**
 * The ESDB event id of a CloudEvent id: UUIDv5 of the id's UTF-8 bytes in the namespace
 * above. ESDB event ids must be UUIDs; CloudEvent ids are any string of 1–128 printable
 * characters (interfaces.md §1), so they are mapped, never used as they are, even when
 * they happen to be UUIDs already (one rule, no collisions between the two kinds).
 * The CloudEvent id itself is kept in the event's metadata.
 */
export function esdbEventIdOf(cloudEventId: string): string {
  if (cloudEventId === '') throw new TypeError('a CloudEvent id is never empty');
  return uuidv5(cloudEventId, ESDB_EVENT_ID_NAMESPACE);
}

export const DEFAULT_STREAM_PREFIX = 'billing';

/** What may stand before `-org-`: a category name that ESDB's `$ce-` projection keeps whole. */
const PREFIX = /^[a-z][a-z0-9]{0,39}$/;

/**
 * The stream names of one store. With the default prefix:
 * - `billing-org-<orgId>`: the events of one organisation (input and charges), in order;
 * - `billing-id-<uuid>`: the guard of one event id (see EsdbEventStore);
 * - `billing-outbox-checkpoint`: how far charge publication has got (EsdbChargeOutbox).
 * The prefix is configurable so that test runs on a shared server do not see each other;
 * it is lower-case letters and digits only, so that no `-` inside it changes the category.
 */
export class EsdbStreamNames {
  readonly orgPrefix: string;
  readonly guardPrefix: string;
  readonly outboxCheckpoint: string;

  constructor(readonly prefix: string = DEFAULT_STREAM_PREFIX) {
    if (!PREFIX.test(prefix))
      throw new RangeError(
        `stream prefix must be 1–40 lower-case letters and digits starting with a letter, got "${prefix}"`,
      );
    this.orgPrefix = `${prefix}-org-`;
    this.guardPrefix = `${prefix}-id-`;
    this.outboxCheckpoint = `${prefix}-outbox-checkpoint`;
  }

  /** Organisation ids are opaque identifiers of 1–128 printable characters: used as they are. */
  organisation(orgId: string): string {
    if (orgId === '') throw new TypeError('an organisation id is never empty');
    return `${this.orgPrefix}${orgId}`;
  }

  guard(esdbEventId: string): string {
    if (!isUuid(esdbEventId)) throw new TypeError(`not a UUID: ${esdbEventId}`);
    return `${this.guardPrefix}${esdbEventId}`;
  }

  /** Whether a stream read from `$all` holds this store's events (not guards, not system streams). */
  isOrganisationStream(streamId: string): boolean {
    return streamId.startsWith(this.orgPrefix);
  }
}

/**
 * The partition (of `count`) an organisation's stream falls in: FNV-1a of the stream name,
 * a stable hash, so a stream is always in the same share for a given count.
 */
export function streamPartition(streamId: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < streamId.length; i++) {
    hash ^= streamId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}
