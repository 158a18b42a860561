import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiPropertyOptions,
  ApiSchema,
  getSchemaPath,
} from '@nestjs/swagger';
import { CHARGE_KINDS, ChargeKind, ChargeLine } from '@smartme/domain';

@ApiSchema({
  name: 'TierLine',
  description: 'The units of a charge that fell in one tier; amounts are exact decimal strings before rounding',
})
export class TierLineDto {
  @ApiProperty({ type: 'integer', example: 1 })
  readonly from!: number;

  @ApiProperty({ type: 'integer', nullable: true, example: 100, description: 'null for the open last tier' })
  readonly to!: number | null;

  @ApiProperty({ type: 'integer', example: 2 })
  readonly quantity!: number;

  @ApiPropertyOptional({ example: '300' })
  readonly unitPrice?: string;

  @ApiPropertyOptional({ example: '0' })
  readonly flatAmount?: string;

  @ApiProperty({ example: '600' })
  readonly amount!: string;
}

@ApiSchema({
  name: 'CreditLine',
  description:
    'Whole yen already charged and taken back into account (an adjustment, or a true-up reduced by the initial fees charged)',
})
export class CreditLineDto {
  @ApiProperty({ enum: ['previously-issued', 'initial-fees-charged'] })
  readonly credit!: 'previously-issued' | 'initial-fees-charged';

  @ApiProperty({ type: 'integer' })
  readonly quantity!: number;

  @ApiProperty({ example: '-600' })
  readonly amount!: string;
}

/** `lines`: tier lines and credit lines. */
export const CHARGE_LINES: ApiPropertyOptions = {
  type: 'array',
  items: { oneOf: [{ $ref: getSchemaPath(TierLineDto) }, { $ref: getSchemaPath(CreditLineDto) }] },
};

@ApiSchema({
  name: 'Charge',
  description:
    'A charge as invoicing receives it (interfaces.md §2); for an adjustment, quantity and amount are the deltas',
})
@ApiExtraModels(TierLineDto, CreditLineDto)
export class ChargeDto {
  @ApiProperty({ description: 'UUIDv5 of orgId|kind|period|revision', example: '0932aff2-2258-55e8-a773-a82ef2303e1a' })
  readonly chargeId!: string;

  @ApiProperty({ example: 'acme' })
  readonly orgId!: string;

  @ApiProperty({ enum: [...CHARGE_KINDS], enumName: 'ChargeKind' })
  readonly kind!: ChargeKind;

  @ApiProperty({
    description: 'YYYY-MM for monthly kinds and initial fees, YYYY for the verification year',
    example: '2025-10',
  })
  readonly period!: string;

  @ApiProperty({ type: 'integer', example: 2 })
  readonly quantity!: number;

  @ApiProperty({ type: 'integer', description: 'whole yen', example: 600 })
  readonly amount!: number;

  @ApiProperty({ enum: ['JPY'] })
  readonly currency!: 'JPY';

  @ApiProperty({ example: '2025-10' })
  readonly tariffVersion!: string;

  @ApiProperty({ example: '2025-10' })
  readonly termsVersion!: string;

  @ApiProperty({ type: 'integer', example: 0 })
  readonly revision!: number;

  @ApiProperty({ type: 'string', nullable: true, description: 'for an adjustment, the chargeId of the original' })
  readonly adjusts!: string | null;

  @ApiProperty(CHARGE_LINES)
  readonly lines!: readonly ChargeLine[];
}

@ApiSchema({
  name: 'ChargeCloudEvent',
  description: 'A charge event exactly as published to billing.charges (CloudEvents 1.0, structured JSON)',
})
export class ChargeCloudEventDto {
  @ApiProperty({ enum: ['1.0'] })
  readonly specversion!: '1.0';

  @ApiProperty({ description: 'the chargeId' })
  readonly id!: string;

  @ApiProperty({ example: 'smartme-billing' })
  readonly source!: string;

  @ApiProperty({ enum: ['ChargeIssued', 'ChargeAdjusted'] })
  readonly type!: 'ChargeIssued' | 'ChargeAdjusted';

  @ApiProperty({
    example: '2025-11-01T01:00:00+09:00',
    description: 'RFC 3339, the instant of the close that issued it',
  })
  readonly time!: string;

  @ApiProperty({ description: 'the orgId', example: 'acme' })
  readonly subject!: string;

  @ApiProperty({ type: ChargeDto })
  readonly data!: ChargeDto;
}

@ApiSchema({ name: 'ChargesPage', description: 'Issued charge events in the order they were stored' })
export class ChargesPageDto {
  @ApiProperty({ type: [ChargeCloudEventDto] })
  readonly items!: ChargeCloudEventDto[];

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'pass as `after` for the next page; null on the last page',
  })
  readonly next!: string | null;
}
