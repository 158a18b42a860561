import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InputOutcome, RawInput, splitLines } from '@smartme/application';
import { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { BillingRuntime } from '../composition/billing-runtime';
import { BILLING_RUNTIME } from '../runtime/tokens';
import { BearerTokenGuard } from './bearer-token.guard';
import { EventResultDto, EventResultsDto, InputCloudEventDto } from './dto/events.dto';
import { ApiProblems } from './dto/problem.dto';
import { ProblemException } from './problem';

/**
 * HTTP ingestion (interfaces.md §4): a JSON array of CloudEvents or NDJSON, validated
 * like Kafka and file input, invalid ones dead-lettered; one result per event.
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
      'A JSON array of CloudEvents, or NDJSON (application/x-ndjson, one CloudEvent a line). Each event is validated like Kafka and file input; invalid ones are dead-lettered. One result per event, in request order.',
  })
  @ApiConsumes('application/json', 'application/x-ndjson')
  @ApiBody({
    type: [InputCloudEventDto],
    description: 'JSON: an array of CloudEvents; NDJSON: the same events, one per line',
  })
  @ApiOkResponse({ type: EventResultsDto })
  @ApiProblems(400, 401, 413)
  async ingest(@Req() request: Request): Promise<EventResultsDto> {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const inputs = splitBody(body, request.header('content-type') ?? '', `http:${randomUUID()}`);
    const outcomes = await this.runtime.ingestion.ingestBatch(inputs);
    return { results: outcomes.map(resultOf) };
  }
}

/** NDJSON keeps each line's bytes exactly; array elements are kept as their JSON text. */
function splitBody(body: Buffer, contentType: string, request: string): RawInput[] {
  if (/ndjson/i.test(contentType)) {
    return splitLines(body).map((line) => ({ raw: line.raw, source: `${request}#${line.lineNumber}` }));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ProblemException(400, 'malformed body', `not JSON: ${(error as Error).message}`, 'body');
  }
  if (!Array.isArray(parsed))
    throw new ProblemException(400, 'malformed body', 'must be a JSON array of CloudEvents, or NDJSON', 'body');
  return parsed.map((element, i) => ({ raw: Buffer.from(JSON.stringify(element)), source: `${request}#${i + 1}` }));
}

function resultOf(outcome: InputOutcome, index: number): EventResultDto {
  return outcome.status === 'rejected'
    ? { index, status: 'rejected', id: outcome.eventId, reason: outcome.reason }
    : { index, status: outcome.status === 'accepted' ? 'accepted' : 'duplicate', id: outcome.eventId };
}
