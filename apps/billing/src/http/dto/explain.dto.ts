import { ApiExtraModels, ApiProperty, ApiPropertyOptions, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { BasisSource, ChargeLine, ChargeUnit, INPUT_EVENT_TYPES, InputEventType } from '@smartme/domain';
import { CHARGE_LINES, ChargeCloudEventDto } from './charge.dto';

@ApiSchema({ name: 'LineageEvent', description: 'An input event a charge was computed from' })
export class LineageEventDto {
  @ApiProperty()
  readonly id!: string;

  @ApiProperty({ enum: [...INPUT_EVENT_TYPES], enumName: 'InputEventType' })
  readonly type!: InputEventType;

  @ApiProperty({ description: 'the event time as sent (RFC 3339)', example: '2025-10-10T09:00:00+09:00' })
  readonly time!: string;
}

@ApiSchema({
  name: 'IdUnit',
  description:
    'An ID counted: for monthly-fee active at the period end (event: the registration that made it active), for id-registration newly registered in the period (event: the registration counted)',
})
export class IdUnitDto {
  @ApiProperty({ example: 'm-000123' })
  readonly idId!: string;

  @ApiProperty({ description: 'event id' })
  readonly event!: string;
}

@ApiSchema({ name: 'VerificationUnit', description: 'A counted verification (by another organisation)' })
export class VerificationUnitDto {
  @ApiProperty({ description: 'event id of the CredentialVerified' })
  readonly event!: string;

  @ApiProperty({ example: 'beta' })
  readonly verifierOrgId!: string;
}

@ApiSchema({ name: 'BasisUnit', description: 'The basis of an initial fee or true-up and where it came from' })
export class BasisUnitDto {
  @ApiProperty({ type: 'integer', example: 120 })
  readonly basis!: number;

  @ApiProperty({ enum: ['application', 'headcount-report', 'active-count'] })
  readonly source!: BasisSource;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'event id of the application or report; null for the active count',
  })
  readonly event!: string | null;
}

const UNITS = (description: string, nullable = false): ApiPropertyOptions => ({
  type: 'array',
  nullable,
  description,
  items: {
    oneOf: [
      { $ref: getSchemaPath(IdUnitDto) },
      { $ref: getSchemaPath(VerificationUnitDto) },
      { $ref: getSchemaPath(BasisUnitDto) },
    ],
  },
});

@ApiSchema({
  name: 'ChargeLineage',
  description:
    'The lineage of a charge: what its period total counts as the decision counted it, the input events stored before it that it was computed from, the tariff and terms versions and the tier lines',
})
@ApiExtraModels(IdUnitDto, VerificationUnitDto, BasisUnitDto)
export class ChargeLineageDto {
  @ApiProperty({ type: ChargeCloudEventDto })
  readonly charge!: ChargeCloudEventDto;

  @ApiProperty({ example: '2025-10' })
  readonly tariffVersion!: string;

  @ApiProperty({ example: '2025-10' })
  readonly termsVersion!: string;

  @ApiProperty(CHARGE_LINES)
  readonly lines!: readonly ChargeLine[];

  @ApiProperty({ type: [LineageEventDto], description: 'in event-time order, ties by id' })
  readonly events!: readonly LineageEventDto[];

  @ApiProperty({
    type: 'integer',
    description:
      'units of the period total after this charge, never cut; for usage kinds the sum of the quantities of this charge and every earlier revision',
  })
  readonly unitCount!: number;

  @ApiProperty(UNITS('what the period total after this charge counts (IDs by id, verifications in event order)'))
  readonly units!: readonly ChargeUnit[];

  @ApiProperty(UNITS('for a ChargeAdjusted, units gained against the revision before it; null otherwise', true))
  readonly added!: readonly ChargeUnit[] | null;

  @ApiProperty(UNITS('for a ChargeAdjusted, units lost against the revision before it; null otherwise', true))
  readonly removed!: readonly ChargeUnit[] | null;

  @ApiProperty({ description: 'whether a list (events, units, added, removed) was cut at the limit' })
  readonly truncated!: boolean;
}
