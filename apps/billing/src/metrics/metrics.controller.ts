import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { BillingMetrics } from '@smartme/adapters/metrics';
import { Response } from 'express';
import { BILLING_METRICS } from './metrics';

/** Prometheus scrapes this; like the health probes it needs no token. */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(BILLING_METRICS) private readonly metrics: BillingMetrics) {}

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'Events in by type and outcome, charge events out by type and kind, close durations and last successful close, projection lag, outbox backlog, Kafka consumer lag per partition, process metrics.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string' } })
  async scrape(@Res() response: Response): Promise<void> {
    const text = await this.metrics.metrics();
    response.status(200).set({ 'Content-Type': this.metrics.contentType, 'Cache-Control': 'no-store' });
    response.send(text);
  }
}
