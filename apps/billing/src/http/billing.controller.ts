import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ChargeCloudEvent, UsageReport, toChargeCloudEvent } from '@smartme/application';
import { BillingRuntime } from '../composition/billing-runtime';
import { BILLING_RUNTIME } from '../runtime/tokens';
import { BearerTokenGuard } from './bearer-token.guard';
import { ProblemException } from './problem';

const PERIOD = /^\d{4}(-(0[1-9]|1[0-2]))?$/;

/** Read access for invoicing and operators: issued charges and the usage behind them. */
@Controller('v1')
@UseGuards(BearerTokenGuard)
export class BillingController {
  constructor(@Inject(BILLING_RUNTIME) private readonly runtime: BillingRuntime) {}

  /** Issued charge events in the order they were stored; `after` pages on from a `next`. */
  @Get('charges')
  async charges(
    @Query('orgId') orgId?: string,
    @Query('period') period?: string,
    @Query('kind') kind?: string,
    @Query('after') after?: string,
    @Query('limit') limit?: string,
  ): Promise<{ items: ChargeCloudEvent[]; next: string | null }> {
    if (period !== undefined && !PERIOD.test(period)) throw new ProblemException(400, 'invalid query', 'must be YYYY-MM or YYYY', 'period');
    const size = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(size) || size < 1 || size > 1000) throw new ProblemException(400, 'invalid query', 'must be an integer from 1 to 1000', 'limit');
    if (after !== undefined && !/^\d+$/.test(after)) throw new ProblemException(400, 'invalid query', 'must be a position returned as next', 'after');
    const from = BigInt(after ?? 0);
    const charges = (await this.runtime.projections.charges({ orgId, period, kind })).filter((c) => c.position > from);
    const page = charges.slice(0, size);
    return { items: page.map((c) => toChargeCloudEvent(c.event)), next: charges.length > size ? String(page[page.length - 1]!.position) : null };
  }

  @Get('orgs/:orgId/usage')
  async usage(@Param('orgId') orgId: string, @Query('period') period?: string): Promise<UsageReport> {
    if (period === undefined || !PERIOD.test(period)) throw new ProblemException(400, 'invalid query', 'is required, YYYY-MM or YYYY', 'period');
    return this.runtime.reports.usage(orgId, period);
  }
}
