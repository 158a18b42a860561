import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { BillingRuntime } from '../composition/billing-runtime';
import { HealthDto, HealthIndicatorDto, NotReadyProblemDto } from '../http/dto/health.dto';
import { ProblemException } from '../http/problem';
import { Messaging } from '../messaging/messaging';
import { BILLING_RUNTIME, MESSAGING } from '../runtime/tokens';

/** A probe that does not answer within this is down: a hung connection must not hang the probe. */
const CHECK_TIMEOUT_MS = 3_000;

/**
 * Liveness and readiness (@nestjs/terminus). Both answer terminus's shape
 * `{ status, info, error, details }`; a failed readiness check is a 503 problem document
 * carrying the same `info`, `error` and `details`.
 */
@ApiTags('health')
@ApiExtraModels(HealthDto, HealthIndicatorDto, NotReadyProblemDto)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(BILLING_RUNTIME) private readonly runtime: BillingRuntime,
    @Optional() @Inject(MESSAGING) private readonly messaging?: Messaging | null,
  ) {}

  /** Liveness: the process answers (no dependency is checked: a store outage is not a reason to restart). */
  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: HealthDto })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Readiness: the store answers, and Kafka too when the service uses it. */
  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness: the store answers (SELECT 1), and the Kafka brokers when KAFKA_BROKERS is set' })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({
    description: 'A dependency is down',
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(NotReadyProblemDto) } } },
  })
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.store(), () => this.kafka()]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const { info = {}, error: down = {}, details = {} } = error.getResponse() as Partial<HealthCheckResult>;
      throw new ProblemException(503, 'not ready', `down: ${Object.keys(down ?? {}).join(', ')}`, undefined, {
        info,
        error: down,
        details,
      });
    }
  }

  private async store(): Promise<HealthIndicatorResult<'store'>> {
    const check = this.indicator.check('store');
    try {
      await withTimeout(this.runtime.client.query('SELECT 1'), 'the store');
      if (!(await withTimeout(this.runtime.store.ready(), 'the event store')))
        throw new Error('the event store does not answer');
      return check.up();
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  private async kafka(): Promise<HealthIndicatorResult<'kafka'>> {
    const check = this.indicator.check('kafka');
    if (!this.messaging) return check.up({ message: 'not configured' });
    const ready = await withTimeout(this.messaging.ready(), 'the Kafka brokers').catch(() => false);
    return ready ? check.up() : check.down({ message: 'the brokers do not answer, or the consumer has crashed' });
  }
}

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
