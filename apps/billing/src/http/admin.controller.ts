import { Body, Controller, Get, HttpCode, Inject, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { deadLetterView, toChargeCloudEvent } from '@smartme/application';
import { parseInstant } from '@smartme/domain';
import { BillingRuntime } from '../composition/billing-runtime';
import { BILLING_RUNTIME } from '../runtime/tokens';
import { BearerTokenGuard } from './bearer-token.guard';
import { CloseResultDto, DeadLetterDto, RedriveReportDto, RedriveRequestDto } from './dto/admin.dto';
import { ApiProblems } from './dto/problem.dto';
import { ProblemException } from './problem';
import { instantFromQuery } from './query-instant';

/** Operator actions: a close as of an instant, dead letters and their re-drive. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(BearerTokenGuard)
export class AdminController {
  constructor(@Inject(BILLING_RUNTIME) private readonly runtime: BillingRuntime) {}

  @Post('admin/close')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Close every period due as of an instant',
    description:
      'What the scheduler does, as if the clock read `asOf`: issues the charges and adjustments due; idempotent. Takes the admin token (BILLING_ADMIN_TOKEN) when one is configured.',
  })
  @ApiQuery({
    name: 'asOf',
    required: true,
    description:
      'RFC 3339 instant; encode its `+` as `%2B` (an unencoded `+`, which a query decodes as a space, is read as the `+` it was)',
    example: '2025-11-01T01:00:00+09:00',
  })
  @ApiOkResponse({ type: CloseResultDto })
  @ApiProblems(400, 401)
  async close(@Query('asOf') asOf?: string): Promise<CloseResultDto> {
    let asOfMs: number;
    try {
      asOfMs = parseInstant(instantFromQuery(asOf ?? '')).epochMs;
    } catch (error) {
      throw new ProblemException(400, 'invalid query', `${(error as Error).message}`, 'asOf');
    }
    const report = await this.runtime.close.asOf(asOfMs);
    return { issued: report.issued.map(toChargeCloudEvent), problems: report.problems };
  }

  @Get('dead-letters')
  @ApiOperation({ summary: 'Rejected input with reasons, oldest first' })
  @ApiOkResponse({ type: [DeadLetterDto] })
  @ApiProblems(401)
  async deadLetters(): Promise<DeadLetterDto[]> {
    return (await this.runtime.deadLetters.list()).map(deadLetterView);
  }

  /** The body is validated by the ProblemValidationPipe (RedriveRequestDto). */
  @Post('dead-letters/redrive')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Re-submit dead letters after a fix',
    description: 'Those accepted, or found already stored, leave the dead letters; the others keep their new reason.',
  })
  @ApiOkResponse({ type: RedriveReportDto })
  @ApiProblems(400, 401)
  async redrive(@Body() body: RedriveRequestDto): Promise<RedriveReportDto> {
    return this.runtime.redrive.run(body.all === true ? undefined : body.ids);
  }
}
