import { EventRecord } from '@smartme/ports';
import { DEFAULT_MAX_CLOCK_SKEW_MS, Intake, IntakeContext, validateCloudEvent } from '../../src/intake';

/** A fixed receipt clock, so that clock-skew cases do not depend on when tests run. */
export const NOW_MS = Date.parse('2025-11-01T00:00:00+09:00');
export const CONTEXT: IntakeContext = { nowMs: NOW_MS, maxClockSkewMs: DEFAULT_MAX_CLOCK_SKEW_MS };

export const TYPES_LIST =
  'IdRegistered, IdRevoked, CredentialVerified, ContractOpened, IdServiceAdded, HeadcountChanged, ContractClosed';
export const IDENTIFIER = 'must be 1–128 printable characters (no control characters)';
export const COUNT = 'must be an integer ≥ 0 (at most 9007199254740991)';

export type Json = Record<string, unknown>;

export const VALID_DATA: Readonly<Record<string, Json>> = {
  IdRegistered: { orgId: 'acme', idId: 'm-000123' },
  IdRevoked: { orgId: 'acme', idId: 'm-000123', reason: 'expired' },
  CredentialVerified: { holderOrgId: 'acme', holderIdId: 'a', verifierOrgId: 'beta', verifierIdId: 'beta-0' },
  ContractOpened: {
    orgId: 'acme',
    appliedOn: '2025-10-05',
    openedOn: '2025-10-10',
    services: ['entry-exit', 'id'],
    channel: 'secom-smartphone-id',
    declaredMembers: 80,
    plannedUsers: 120,
  },
  IdServiceAdded: {
    orgId: 'acme',
    appliedOn: '2025-10-05',
    openedOn: '2025-10-10',
    declaredMembers: 80,
    plannedUsers: 120,
  },
  HeadcountChanged: { orgId: 'acme', changedOn: '2025-10-20', declaredMembers: 150, plannedUsers: 90 },
  ContractClosed: { orgId: 'acme', closedOn: '2025-10-31' },
};

/** A valid structured-mode event of `type`, with envelope fields and data overridden. */
export function event(type: string, data: Json = VALID_DATA[type] ?? {}, envelope: Json = {}): Json {
  return {
    specversion: '1.0',
    id: '0f8a4f7e-6a51-4c55-9d2e-1b9f8e6b2b11',
    source: 'identity-platform',
    type,
    time: '2025-10-12T09:30:00+09:00',
    data,
    ...envelope,
  };
}

/** `event(type)` with some data fields replaced (`undefined` removes one). */
export function withData(type: string, changes: Json): Json {
  const data: Json = { ...VALID_DATA[type] };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete data[key];
    else data[key] = value;
  }
  return event(type, data);
}

export function rejection(intake: Intake): { reason: string; eventId: string | null } {
  if (intake.ok) throw new Error(`expected a rejection, got ${JSON.stringify(intake.record)}`);
  return { reason: intake.reason, eventId: intake.eventId };
}

export function accepted(intake: Intake): EventRecord {
  if (!intake.ok) throw new Error(`expected acceptance, got: ${intake.reason}`);
  return intake.record;
}

export const reasonFor = (value: unknown): string => rejection(validateCloudEvent(value, CONTEXT)).reason;
export const recordFor = (value: unknown): EventRecord => accepted(validateCloudEvent(value, CONTEXT));

/** The engine's own wording, so `not JSON:` cases hold on any Node version. */
export function jsonParseMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
}
