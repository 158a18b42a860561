import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSchema,
  getSchemaPath,
} from '@nestjs/swagger';

@ApiSchema({
  name: 'Problem',
  description: 'An RFC 9457 problem document (application/problem+json); `field` names what is wrong in the request',
})
export class ProblemDto {
  @ApiProperty({ example: 'about:blank' })
  readonly type!: string;

  @ApiProperty({ example: 'invalid query' })
  readonly title!: string;

  @ApiProperty({ type: 'integer', example: 400 })
  readonly status!: number;

  @ApiPropertyOptional({ example: 'must be YYYY-MM or YYYY' })
  readonly detail?: string;

  @ApiPropertyOptional({
    example: 'period',
    description: 'the request field at fault: a query parameter, a body property, `body` or `Authorization`',
  })
  readonly field?: string;
}

const DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Invalid request: a problem document naming the field',
  401: 'Missing or invalid bearer token',
  404: 'Not found',
  413: 'Body larger than the configured limit (BODY_LIMIT)',
  415: 'A media type the endpoint does not read',
  503: 'Not ready, or the store does not answer (nothing of the request is to be assumed stored; it is safe to send again)',
};

/** Error responses as problem documents (`application/problem+json`). */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}
