import { InputEvent, InputEventType } from '@smartme/domain';
import {
  ContractClosedDataDto,
  ContractOpenedDataDto,
  HeadcountChangedDataDto,
  IdServiceAddedDataDto,
} from './contract-data.dto';
import { CompiledDto, compileDto } from './compiled-dto';
import { isAbsent } from './field-problem';
import { CredentialVerifiedDataDto, IdRegisteredDataDto, IdRevokedDataDto } from './identity-data.dto';
import { normalizeServices } from './services.validator';

/** The DTO that describes each type's `data`. */
export interface DataDtos {
  IdRegistered: IdRegisteredDataDto;
  IdRevoked: IdRevokedDataDto;
  CredentialVerified: CredentialVerifiedDataDto;
  ContractOpened: ContractOpenedDataDto;
  IdServiceAdded: IdServiceAddedDataDto;
  HeadcountChanged: HeadcountChangedDataDto;
  ContractClosed: ContractClosedDataDto;
}

export type EventOf<T extends InputEventType> = Extract<InputEvent, { readonly type: T }>;

/** The envelope fields an event keeps: `time` exactly as sent, the domain parses it. */
export interface EventHead {
  readonly id: string;
  readonly time: string;
}

export interface EventSchema<T extends InputEventType> {
  readonly dto: new () => DataDtos[T];
  /** The same rules, compiled for the common case of valid input (see `compileDto`). */
  readonly compiled: CompiledDto<DataDtos[T]>;
  /**
   * Builds the stored event from validated data: only the known fields, in a fixed
   * key order, optional ones left out when absent. A resend of the same event then
   * serialises to the same bytes whatever its field order or extras, so the store's
   * duplicate-versus-conflict test compares what billing uses and nothing else.
   */
  readonly toEvent: (head: EventHead, data: DataDtos[T]) => EventOf<T>;
}

export type EventSchemas = { readonly [T in InputEventType]: EventSchema<T> };

/** Spread into an object literal: the key only when a value was sent. */
function optional<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return isAbsent(value) ? {} : ({ [key]: value } as { [P in K]?: V });
}

/** JSON `-0` is a valid count but would make an otherwise equal event look different. */
function count(value: number): number {
  return value === 0 ? 0 : value;
}

export const EVENT_SCHEMAS: EventSchemas = {
  IdRegistered: {
    dto: IdRegisteredDataDto,
    compiled: compileDto(IdRegisteredDataDto),
    toEvent: ({ id, time }, d) => ({ id, type: 'IdRegistered', time, data: { orgId: d.orgId, idId: d.idId } }),
  },
  IdRevoked: {
    dto: IdRevokedDataDto,
    compiled: compileDto(IdRevokedDataDto),
    toEvent: ({ id, time }, d) => ({
      id,
      type: 'IdRevoked',
      time,
      data: { orgId: d.orgId, idId: d.idId, ...optional('reason', d.reason) },
    }),
  },
  CredentialVerified: {
    dto: CredentialVerifiedDataDto,
    compiled: compileDto(CredentialVerifiedDataDto),
    toEvent: ({ id, time }, d) => ({
      id,
      type: 'CredentialVerified',
      time,
      data: {
        holderOrgId: d.holderOrgId,
        holderIdId: d.holderIdId,
        verifierOrgId: d.verifierOrgId,
        ...optional('verifierIdId', d.verifierIdId),
      },
    }),
  },
  ContractOpened: {
    dto: ContractOpenedDataDto,
    compiled: compileDto(ContractOpenedDataDto),
    toEvent: ({ id, time }, d) => ({
      id,
      type: 'ContractOpened',
      time,
      data: {
        orgId: d.orgId,
        appliedOn: d.appliedOn,
        openedOn: d.openedOn,
        services: normalizeServices(d.services),
        ...optional('channel', d.channel),
        declaredMembers: count(d.declaredMembers),
        plannedUsers: count(d.plannedUsers),
      },
    }),
  },
  IdServiceAdded: {
    dto: IdServiceAddedDataDto,
    compiled: compileDto(IdServiceAddedDataDto),
    toEvent: ({ id, time }, d) => ({
      id,
      type: 'IdServiceAdded',
      time,
      data: {
        orgId: d.orgId,
        appliedOn: d.appliedOn,
        openedOn: d.openedOn,
        ...optional('channel', d.channel),
        declaredMembers: count(d.declaredMembers),
        plannedUsers: count(d.plannedUsers),
      },
    }),
  },
  HeadcountChanged: {
    dto: HeadcountChangedDataDto,
    compiled: compileDto(HeadcountChangedDataDto),
    toEvent: ({ id, time }, d) => ({
      id,
      type: 'HeadcountChanged',
      time,
      data: {
        orgId: d.orgId,
        changedOn: d.changedOn,
        declaredMembers: count(d.declaredMembers),
        plannedUsers: count(d.plannedUsers),
      },
    }),
  },
  ContractClosed: {
    dto: ContractClosedDataDto,
    compiled: compileDto(ContractClosedDataDto),
    toEvent: ({ id, time }, d) => ({
      id,
      type: 'ContractClosed',
      time,
      data: { orgId: d.orgId, closedOn: d.closedOn },
    }),
  },
};
