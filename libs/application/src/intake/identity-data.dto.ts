import { CredentialVerified, IdRegistered, IdRevoked, REVOCATION_REASONS, RevocationReason } from '@smartme/domain';
import { IsOptional } from 'class-validator';
import { IsIdentifier } from './identifier.validator';
import { IsOneOf } from './one-of.validator';

// The `implements` clauses tie each DTO to the domain event it feeds: a field added to
// the domain but not to the contract fails to compile (optional ones need a look).

type IdRegisteredData = IdRegistered['data'];
type IdRevokedData = IdRevoked['data'];
type CredentialVerifiedData = CredentialVerified['data'];

export class IdRegisteredDataDto implements IdRegisteredData {
  @IsIdentifier()
  orgId!: string;

  @IsIdentifier()
  idId!: string;
}

export class IdRevokedDataDto implements IdRevokedData {
  @IsIdentifier()
  orgId!: string;

  @IsIdentifier()
  idId!: string;

  @IsOptional()
  @IsOneOf('isRevocationReason', REVOCATION_REASONS)
  reason?: RevocationReason;
}

export class CredentialVerifiedDataDto implements CredentialVerifiedData {
  @IsIdentifier()
  holderOrgId!: string;

  @IsIdentifier()
  holderIdId!: string;

  @IsIdentifier()
  verifierOrgId!: string;

  @IsOptional()
  @IsIdentifier()
  verifierIdId?: string;
}
