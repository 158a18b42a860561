import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from './problem.dto';

@ApiSchema({ name: 'HealthIndicator' })
export class HealthIndicatorDto {
  @ApiProperty({ enum: ['up', 'down'] })
  readonly status!: 'up' | 'down';

  @ApiPropertyOptional({ example: 'not configured' })
  readonly message?: string;
}

const INDICATORS: ApiPropertyOptions = {
  type: 'object',
  additionalProperties: { $ref: getSchemaPath(HealthIndicatorDto) },
};

@ApiSchema({ name: 'Health', description: 'The result of the health checks (@nestjs/terminus)' })
export class HealthDto {
  @ApiProperty({ enum: ['ok'] })
  readonly status!: 'ok';

  @ApiProperty({ ...INDICATORS, description: 'checks that are up' })
  readonly info!: Record<string, HealthIndicatorDto>;

  @ApiProperty({ ...INDICATORS, description: 'checks that are down' })
  readonly error!: Record<string, HealthIndicatorDto>;

  @ApiProperty({ ...INDICATORS, description: 'every check' })
  readonly details!: Record<string, HealthIndicatorDto>;
}

@ApiSchema({ name: 'NotReadyProblem', description: 'A problem document with the health checks' })
export class NotReadyProblemDto extends ProblemDto {
  @ApiProperty(INDICATORS)
  readonly info!: Record<string, HealthIndicatorDto>;

  @ApiProperty(INDICATORS)
  readonly error!: Record<string, HealthIndicatorDto>;

  @ApiProperty(INDICATORS)
  readonly details!: Record<string, HealthIndicatorDto>;
}
