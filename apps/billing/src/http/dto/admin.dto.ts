import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsBoolean, IsOptional, IsString, ValidateIf } from 'class-validator';
import { ChargeCloudEventDto } from './charge.dto';

@ApiSchema({ name: 'CloseProblem', description: 'An organisation this close left unbilled, and why' })
export class CloseProblemDto {
  @ApiProperty()
  readonly orgId!: string;

  @ApiProperty()
  readonly reason!: string;
}

@ApiSchema({ name: 'CloseResult' })
export class CloseResultDto {
  @ApiProperty({ type: [ChargeCloudEventDto], description: 'the charge events this close issued' })
  readonly issued!: ChargeCloudEventDto[];

  @ApiProperty({ type: [CloseProblemDto] })
  readonly problems!: CloseProblemDto[];
}

@ApiSchema({ name: 'DeadLetter', description: 'Rejected input, kept exactly as received' })
export class DeadLetterDto {
  @ApiProperty()
  readonly id!: string;

  @ApiProperty({ format: 'date-time' })
  readonly receivedAt!: string;

  @ApiProperty({ description: 'FILE:LINE, topic/partition/offset, or http:REQUEST#N' })
  readonly source!: string;

  @ApiProperty({ description: 'what is wrong, naming the field' })
  readonly reason!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'the input as text; null when its bytes are not UTF-8 (see rawBase64)',
  })
  readonly raw!: string | null;

  @ApiProperty({ format: 'byte', description: 'the input exactly as received, base64' })
  readonly rawBase64!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'the Kafka message key (`base64:…` when not UTF-8); null for files and HTTP',
  })
  readonly key!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    description:
      'the Kafka message headers (a repeated one: its last value; `base64:…` when not UTF-8); null for files and HTTP',
  })
  readonly headers!: Record<string, string> | null;
}

const GIVE_IDS_OR_ALL = 'give "ids": [dead letter ids] or "all": true';

/** Validated by the application's ValidationPipe: a bad body is a 400 problem naming the field. */
@ApiSchema({ name: 'RedriveRequest', description: 'Which dead letters to re-submit: `ids`, or `all: true`' })
export class RedriveRequestDto {
  @ApiPropertyOptional({ type: [String], minItems: 1, description: 'dead letter ids; required unless `all` is true' })
  // Checked bottom-up, and the pipe stops at a field's first problem: array, not empty, strings.
  @ValidateIf((body: RedriveRequestDto) => body.all !== true)
  @IsString({ each: true, message: 'ids: each must be a string' })
  @ArrayNotEmpty({ message: GIVE_IDS_OR_ALL })
  @IsArray({ message: GIVE_IDS_OR_ALL })
  readonly ids?: string[];

  @ApiPropertyOptional({ description: 'every dead letter' })
  @IsOptional()
  @IsBoolean({ message: 'all: must be a boolean' })
  readonly all?: boolean;
}

@ApiSchema({ name: 'RedriveReport' })
export class RedriveReportDto {
  @ApiProperty({ type: 'integer', description: 'accepted (or found already stored): they left the dead letters' })
  readonly redriven!: number;

  @ApiProperty({ type: 'integer', description: 'rejected again, with their new reason' })
  readonly stillRejected!: number;
}
