import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CHARGE_KINDS, isChargeKind } from '@smartme/domain';
import { DEFAULT_EXPLAIN_LIMIT, toChargeCloudEvent } from '@smartme/application';
import { BillingRuntime } from '../composition/billing-runtime';
import { BILLING_RUNTIME } from '../runtime/tokens';
import { BearerTokenGuard } from './bearer-token.guard';
import { ChargesPageDto } from './dto/charge.dto';
import { ChargeLineageDto } from './dto/explain.dto';
import { ApiProblems } from './dto/problem.dto';
import { UsageDto } from './dto/usage.dto';
import { ProblemException } from './problem';

const PERIOD = /^\d{4}(-(0[1-9]|1[0-2]))?$/;

/** Read access for invoicing and operators: issued charges and the usage behind them. */
@ApiTags('charges')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(BearerTokenGuard)
export class BillingController {
  constructor(@Inject(BILLING_RUNTIME) private readonly runtime: BillingRuntime) {}

  /** Issued charge events in the order they were stored; `after` pages on from a `next`. */
  @Get('charges')
  @ApiOperation({
    summary: 'Issued charge events',
    description:
      'In the order they were stored, exactly as published to billing.charges; `after` pages on from a `next`.',
  })
  @ApiQuery({ name: 'orgId', required: false })
  @ApiQuery({ name: 'period', required: false, description: 'YYYY-MM or YYYY', example: '2025-10' })
  @ApiQuery({ name: 'kind', required: false, enum: [...CHARGE_KINDS] })
  @ApiQuery({ name: 'after', required: false, description: 'the `next` of the previous page' })
  @ApiQuery({
    name: 'limit',
    required: false,
    description: 'page size, 1 to 1000',
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  })
  @ApiOkResponse({ type: ChargesPageDto })
  @ApiProblems(400, 401)
  async charges(
    @Query('orgId') orgId?: string,
    @Query('period') period?: string,
    @Query('kind') kind?: string,
    @Query('after') after?: string,
    @Query('limit') limit?: string,
  ): Promise<ChargesPageDto> {
    if (period !== undefined && !PERIOD.test(period))
      throw new ProblemException(400, 'invalid query', 'must be YYYY-MM or YYYY', 'period');
    if (kind !== undefined && !isChargeKind(kind))
      throw new ProblemException(400, 'invalid query', `must be one of ${CHARGE_KINDS.join(', ')}`, 'kind');
    const size = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(size) || size < 1 || size > 1000)
      throw new ProblemException(400, 'invalid query', 'must be an integer from 1 to 1000', 'limit');
    if (after !== undefined && !/^\d+$/.test(after))
      throw new ProblemException(400, 'invalid query', 'must be a position returned as next', 'after');
    const from = BigInt(after ?? 0);
    const charges = (await this.runtime.projections.charges({ orgId, period, kind })).filter((c) => c.position > from);
    const page = charges.slice(0, size);
    return {
      items: page.map((c) => toChargeCloudEvent(c.event)),
      next: charges.length > size ? String(page[page.length - 1]!.position) : null,
    };
  }

  /** The lineage of a charge (interfaces.md §3, `explain`): the same object as `billing explain --format ndjson`. */
  @Get('charges/:chargeId/explain')
  @ApiOperation({
    summary: 'The lineage of a charge',
    description:
      'What the charge counted, as the decision that issued it counted it (`units`, `unitCount`; for an adjustment `added` and `removed` against the revision before it), the input events it was computed from (ids, types, event times), its tariff and terms versions and tier lines; lists are cut at `limit` (`truncated`). The same as `billing explain --charge ID --format ndjson`.',
  })
  @ApiParam({ name: 'chargeId', description: 'data.chargeId of a charge event' })
  @ApiQuery({
    name: 'limit',
    required: false,
    description: 'longest list returned',
    schema: { type: 'integer', minimum: 1, default: DEFAULT_EXPLAIN_LIMIT },
  })
  @ApiOkResponse({ type: ChargeLineageDto })
  @ApiProblems(400, 401, 404)
  async explain(@Param('chargeId') chargeId: string, @Query('limit') limit?: string): Promise<ChargeLineageDto> {
    const size = limit === undefined ? DEFAULT_EXPLAIN_LIMIT : Number(limit);
    if (!/^\d+$/.test(limit ?? '1') || !Number.isSafeInteger(size) || size < 1)
      throw new ProblemException(400, 'invalid query', 'must be a positive integer', 'limit');
    const lineage = await this.runtime.explain.charge(chargeId, { limit: size });
    if (!lineage) throw new ProblemException(404, 'charge not found', `no charge has the id ${chargeId}`, 'chargeId');
    return lineage;
  }

  @Get('orgs/:orgId/usage')
  @ApiOperation({ summary: 'The counters behind a period' })
  @ApiParam({ name: 'orgId' })
  @ApiQuery({
    name: 'period',
    required: true,
    description: 'YYYY-MM (a month) or YYYY (a billing year)',
    example: '2025-10',
  })
  @ApiOkResponse({ type: UsageDto })
  @ApiProblems(400, 401)
  async usage(@Param('orgId') orgId: string, @Query('period') period?: string): Promise<UsageDto> {
    if (period === undefined || !PERIOD.test(period))
      throw new ProblemException(400, 'invalid query', 'is required, YYYY-MM or YYYY', 'period');
    return this.runtime.reports.usage(orgId, period);
  }
}
