import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({
  name: 'Usage',
  description:
    'The counters behind a period: registrations and month-end active IDs for a month, verifications for a billing year',
})
export class UsageDto {
  @ApiProperty({ example: 'acme' })
  readonly orgId!: string;

  @ApiProperty({ example: '2025-10' })
  readonly period!: string;

  @ApiPropertyOptional({ type: 'integer', description: 'distinct IDs newly registered in the month' })
  readonly registrations?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'IDs active at the last instant of the month' })
  readonly activeAtMonthEnd?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'verifications by other organisations (billed)' })
  readonly verificationsCounted?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'verifications within the organisation (not billed)' })
  readonly verificationsInternal?: number;
}
