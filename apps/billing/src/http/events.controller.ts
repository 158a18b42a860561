import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_MEDIA_TYPES, eventBodyInputs } from '@smartme/adapters/http/event-body';
import { InputOutcome } from '@smartme/application';
import { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { BillingRuntime } from '../composition/billing-runtime';
import { BILLING_RUNTIME } from '../runtime/tokens';
import { BearerTokenGuard } from './bearer-token.guard';
import { EventResultDto, EventResultsDto, InputCloudEventDto } from './dto/events.dto';
import { ApiProblems } from './dto/problem.dto';
import { ProblemException } from './problem';

/**
 * HTTP ingestion (interfaces.md §4): CloudEvents as one event, a JSON array or NDJSON,
 * validated like Kafka and file input, invalid ones dead-lettered; one result per event.
 * Whatever the bytes, the answer is a result per input: only a store outage (503) or a
 * media type it cannot read (415) answers for the request as a whole.
 */
@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
@UseGuards(BearerTokenGuard)
export class EventsController {
  constructor(@Inject(BILLING_RUNTIME) private readonly runtime: BillingRuntime) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ingest input events',
    description:
      'One CloudEvent (application/cloudevents+json), a JSON array (application/cloudevents-batch+json, or application/json: one event or an array), or NDJSON (application/x-ndjson, one CloudEvent a line). Each event is validated like Kafka and file input; invalid ones are dead-lettered with their exact bytes. One result per event, in request order; an event is reported accepted or rejected only once that is durable.',
  })
  @ApiConsumes(...EVENT_MEDIA_TYPES)
  @ApiBody({ type: [InputCloudEventDto], description: 'CloudEvents: one, an array, or one per line (NDJSON)' })
  @ApiOkResponse({ type: EventResultsDto })
  @ApiProblems(401, 413, 415, 503)
  async ingest(@Req() request: Request): Promise<EventResultsDto> {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const inputs = eventBodyInputs(body, request.header('content-type'), `http:${randomUUID()}`);
    if (inputs === null) {
      throw new ProblemException(
        415,
        'unsupported media type',
        `content-type must be one of ${EVENT_MEDIA_TYPES.join(', ')}`,
        'content-type',
      );
    }
    const outcomes = await this.runtime.ingestion.ingestBatch(inputs);
    return { results: outcomes.map(resultOf) };
  }
}

function resultOf(outcome: InputOutcome, index: number): EventResultDto {
  if (outcome.status !== 'rejected') return { index, status: outcome.status, id: outcome.eventId };
  return {
    index,
    status: outcome.deadLettered ? 'rejected' : 'failed',
    id: outcome.eventId,
    reason: outcome.reason,
  };
}
