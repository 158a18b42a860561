import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { StoreUnavailableError } from '@smartme/application';
import { Response } from 'express';

/** An RFC 9457 problem document; `field` names what is wrong in the request. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly field?: string;
}

export class ProblemException extends HttpException {
  /** `extensions` are RFC 9457 extension members, e.g. the health checks of a 503. */
  constructor(
    status: number,
    title: string,
    detail?: string,
    field?: string,
    extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(
      {
        ...extensions,
        type: 'about:blank',
        title,
        status,
        ...(detail ? { detail } : {}),
        ...(field ? { field } : {}),
      } satisfies Problem,
      status,
    );
  }
}

/** Every error leaves as a problem document, never as a stack trace. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const problem = problemOf(exception);
    if (problem.status === 503) this.logger.warn(String((exception as Error).message ?? exception));
    else if (problem.status >= 500) this.logger.error((exception as Error).stack ?? String(exception));
    response.status(problem.status).type('application/problem+json').send(problem);
  }
}

function problemOf(exception: unknown): Problem {
  if (exception instanceof HttpException) {
    const body = exception.getResponse();
    const status = exception.getStatus();
    if (typeof body === 'object' && body !== null && 'title' in body) return body as Problem;
    const message =
      typeof body === 'object' && body !== null && 'message' in body ? (body as { message: unknown }).message : body;
    const detail = Array.isArray(message) ? message.join('; ') : String(message);
    return {
      type: 'about:blank',
      title: HttpStatus[status]?.replace(/_/g, ' ').toLowerCase() ?? 'error',
      status,
      detail,
    };
  }
  if (exception instanceof StoreUnavailableError) {
    return {
      type: 'about:blank',
      title: 'store unavailable',
      status: 503,
      detail: `${exception.message}; send the request again later (events are idempotent by id)`,
    };
  }
  // Errors of the body parser (too large, bad encoding) carry their client status.
  const parser = exception as { status?: unknown; expose?: unknown; message?: unknown; type?: unknown };
  if (typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500 && parser.expose === true) {
    return {
      type: 'about:blank',
      title: String(parser.type ?? 'bad request').replace(/\./g, ' '),
      status: parser.status,
      detail: String(parser.message),
      field: 'body',
    };
  }
  return {
    type: 'about:blank',
    title: 'internal server error',
    status: 500,
    detail: 'the request could not be completed; see the service log',
  };
}
