import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { INPUT_EVENT_TYPES } from '@smartme/domain';

/** For the document only: the endpoint validates each event itself, and dead-letters invalid ones. */
@ApiSchema({
  name: 'InputCloudEvent',
  description: 'An input event, CloudEvents 1.0 structured JSON (interfaces.md §1); unknown fields are dropped',
})
export class InputCloudEventDto {
  @ApiProperty({ enum: ['1.0'] })
  readonly specversion!: '1.0';

  @ApiProperty({
    description: 'the idempotency key, 1–128 printable characters',
    example: '0f8a4f7e-6a51-4c55-9d2e-1b9f8e6b2b11',
  })
  readonly id!: string;

  @ApiProperty({ example: 'identity-platform' })
  readonly source!: string;

  @ApiProperty({ enum: [...INPUT_EVENT_TYPES], enumName: 'InputEventType' })
  readonly type!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'RFC 3339 with an explicit offset',
    example: '2025-10-12T09:30:00+09:00',
  })
  readonly time!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'per type, see interfaces.md §1',
    example: { orgId: 'acme', idId: 'm-000123' },
  })
  readonly data!: Record<string, unknown>;
}

@ApiSchema({ name: 'EventResult', description: 'What became of one event of the request, in request order' })
export class EventResultDto {
  @ApiProperty({ type: 'integer', description: 'position in the request, from 0' })
  readonly index!: number;

  @ApiProperty({
    enum: ['accepted', 'duplicate', 'rejected', 'failed'],
    description:
      'accepted: stored; duplicate: stored before; rejected: invalid, kept as a dead letter; failed: neither stored nor kept (send it again)',
  })
  readonly status!: 'accepted' | 'duplicate' | 'rejected' | 'failed';

  @ApiProperty({ type: 'string', nullable: true, description: 'the event id, when it could be read' })
  readonly id!: string | null;

  @ApiPropertyOptional({
    description: 'why it was rejected, naming the field',
    example: 'time: must have an explicit offset (Z or ±hh:mm)',
  })
  readonly reason?: string;
}

@ApiSchema({ name: 'EventResults' })
export class EventResultsDto {
  @ApiProperty({ type: [EventResultDto] })
  readonly results!: EventResultDto[];
}
