import { Body, Controller, Get, HttpCode, Inject, Optional, Post, Query, UseGuards } from '@nestjs/common';
import { ChargeCloudEvent, RedriveReport, toChargeCloudEvent } from '@smartme/application';
import { parseInstant } from '@smartme/domain';
import { BillingRuntime } from '../composition/billing-runtime';
import { Messaging } from '../messaging/messaging';
import { BILLING_RUNTIME, MESSAGING } from '../runtime/tokens';
import { BearerTokenGuard } from './bearer-token.guard';
import { ProblemException } from './problem';

/** Operator actions: a close as of an instant, dead letters and their re-drive. */
@Controller('v1')
@UseGuards(BearerTokenGuard)
export class AdminController {
  constructor(
    @Inject(BILLING_RUNTIME) private readonly runtime: BillingRuntime,
    @Optional() @Inject(MESSAGING) private readonly messaging?: Messaging | null,
  ) {}

  @Post('admin/close')
  @HttpCode(200)
  async close(@Query('asOf') asOf?: string): Promise<{ issued: ChargeCloudEvent[]; problems: { orgId: string; reason: string }[] }> {
    let asOfMs: number;
    try {
      asOfMs = parseInstant(asOf ?? '').epochMs;
    } catch (error) {
      throw new ProblemException(400, 'invalid query', `${(error as Error).message}`, 'asOf');
    }
    const report = await this.runtime.close.close(asOfMs);
    this.messaging?.chargesIssued();
    return { issued: report.issued.map(toChargeCloudEvent), problems: report.problems };
  }

  @Get('dead-letters')
  async deadLetters(): Promise<{ id: string; receivedAt: string; source: string; reason: string; raw: string }[]> {
    const letters = await this.runtime.deadLetters.list();
    return letters.map((l) => ({ id: l.id, receivedAt: l.receivedAt, source: l.source, reason: l.reason, raw: l.raw.toString('utf8') }));
  }

  @Post('dead-letters/redrive')
  @HttpCode(200)
  async redrive(@Body() body: { ids?: unknown; all?: unknown } = {}): Promise<RedriveReport> {
    const ids = body.ids;
    if (body.all !== true && !(Array.isArray(ids) && ids.length > 0 && ids.every((id) => typeof id === 'string'))) {
      throw new ProblemException(400, 'invalid body', 'give "ids": [dead letter ids] or "all": true', 'ids');
    }
    return this.runtime.redrive.run(body.all === true ? undefined : (ids as string[]));
  }
}
