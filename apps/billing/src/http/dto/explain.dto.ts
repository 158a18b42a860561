import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { INPUT_EVENT_TYPES, ChargeLine, InputEventType } from '@smartme/domain';
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
  name: 'ChargeLineage',
  description:
    'The lineage of a charge: the input events stored before it that it was computed from, the tariff and terms versions and the tier lines',
})
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
}
