import type { JSONEventData, JSONType } from '@eventstore/db-client';
import { v4 as uuidv4 } from 'uuid';
import { EsdbEventMetadata, PreparedEvent } from './esdb-event-mapping';
import { positionFromText, positionToText } from './esdb-position';

/**
 * The guard of one event id: the stream `<prefix>-id-<uuid>`, which makes "an id is stored
 * once, forever" hold on ESDB (its own idempotency check only remembers recent ids: an
 * in-memory cache, lost on restart). Its events:
 *
 * 0. `BillingIdClaimed`, written with expectedRevision NO_STREAM: the uniqueness check. The
 *    first writer wins; the claim carries the whole event (so anyone can finish a claim whose
 *    writer died), its content hash, its target stream and that stream's last revision
 *    before the claim (where to look for it later).
 * 1. optionally `BillingIdReclaimed`: a later writer took over a claim left unfinished
 *    for longer than the claim lease (its writer crashed between claim and append).
 * n. `BillingIdStored`: the event is in its organisation stream at `position`. Final.
 *
 * A guard's events get random ids (never derived ones): ESDB would take a second claim with
 * the same event id as an idempotent retry of the first and report success to the loser.
 */
export const GUARD_CLAIMED = 'BillingIdClaimed';
export const GUARD_RECLAIMED = 'BillingIdReclaimed';
export const GUARD_STORED = 'BillingIdStored';

export interface GuardClaim {
  readonly cloudEventId: string;
  readonly stream: string;
  /** The target stream's last revision before the claim; null when it did not exist. */
  readonly searchFrom: bigint | null;
  readonly contentHash: string;
  readonly type: string;
  readonly data: JSONType;
  readonly metadata: EsdbEventMetadata;
}

export type GuardState =
  | { readonly kind: 'stored'; readonly claim: GuardClaim; readonly position: bigint; readonly contentHash: string }
  /** Claimed, not (known to be) stored: an append in flight, or one whose writer died. */
  | { readonly kind: 'in-doubt'; readonly claim: GuardClaim; readonly lastRevision: bigint; readonly since: Date };

export interface GuardRecord {
  readonly type: string;
  readonly revision: bigint;
  readonly created: Date;
  readonly data: unknown;
}

export function claimEventOf(prepared: PreparedEvent, searchFrom: bigint | null): JSONEventData {
  return guardEvent(GUARD_CLAIMED, {
    cloudEventId: prepared.cloudEventId,
    stream: prepared.stream,
    searchFrom: searchFrom === null ? null : searchFrom.toString(),
    contentHash: prepared.contentHash,
    type: prepared.type,
    data: prepared.data,
    metadata: prepared.metadata as unknown as JSONType,
  });
}

export function reclaimEventOf(): JSONEventData {
  return guardEvent(GUARD_RECLAIMED, { reason: 'claim lease expired before the event was stored' });
}

export function storedEventOf(position: bigint, contentHash: string): JSONEventData {
  return guardEvent(GUARD_STORED, { position: positionToText(position), contentHash });
}

/** The state of a guard from its events, oldest first; null for a guard that does not exist. */
export function guardStateOf(records: readonly GuardRecord[], streamName: string): GuardState | null {
  if (records.length === 0) return null;
  const [first] = records;
  if (first!.type !== GUARD_CLAIMED || first!.revision !== 0n)
    throw new Error(`${streamName}: does not start with ${GUARD_CLAIMED}`);
  const claim = claimOf(first!.data, streamName);
  const stored = records.find((record) => record.type === GUARD_STORED);
  if (stored) {
    const data = stored.data as { position?: unknown; contentHash?: unknown } | null;
    if (data?.contentHash !== claim.contentHash)
      throw new Error(`${streamName}: stored content hash differs from the claim's`);
    return {
      kind: 'stored',
      claim,
      position: positionFromText(data.position, streamName),
      contentHash: claim.contentHash,
    };
  }
  const last = records[records.length - 1]!;
  if (last.type !== GUARD_CLAIMED && last.type !== GUARD_RECLAIMED)
    throw new Error(`${streamName}: unexpected event ${last.type}`);
  return { kind: 'in-doubt', claim, lastRevision: last.revision, since: last.created };
}

/** The event a claim holds, as it is to be appended. */
export function claimedEvent(claim: GuardClaim): Pick<PreparedEvent, 'type' | 'data' | 'metadata'> {
  return { type: claim.type, data: claim.data, metadata: claim.metadata };
}

function claimOf(data: unknown, streamName: string): GuardClaim {
  const value = data as Partial<Record<keyof GuardClaim, unknown>> | null;
  const text = (key: 'cloudEventId' | 'stream' | 'contentHash' | 'type'): string => {
    const field = value?.[key];
    if (typeof field !== 'string' || field === '') throw new Error(`${streamName}: claim.${key} is missing`);
    return field;
  };
  const searchFrom =
    value?.searchFrom === null ? null : positionFromText(value?.searchFrom, `${streamName}: claim.searchFrom`);
  if (typeof value?.data !== 'object' || value.data === null) throw new Error(`${streamName}: claim.data is missing`);
  const metadata = value.metadata as EsdbEventMetadata | undefined;
  if (typeof metadata !== 'object' || metadata === null || metadata.contentHash !== value.contentHash)
    throw new Error(`${streamName}: claim.metadata is missing`);
  return {
    cloudEventId: text('cloudEventId'),
    stream: text('stream'),
    searchFrom,
    contentHash: text('contentHash'),
    type: text('type'),
    data: value.data as JSONType,
    metadata,
  };
}

function guardEvent(type: string, data: Record<string, unknown>): JSONEventData {
  return { id: uuidv4(), contentType: 'application/json', type, data, metadata: undefined } as JSONEventData;
}
