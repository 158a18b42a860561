import { Controller, Get, HttpException, Inject, Optional } from '@nestjs/common';
import { BillingRuntime } from '../composition/billing-runtime';
import { Messaging } from '../messaging/messaging';
import { BILLING_RUNTIME, MESSAGING } from '../runtime/tokens';

type Check = 'up' | 'down' | 'not configured';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(BILLING_RUNTIME) private readonly runtime: BillingRuntime,
    @Optional() @Inject(MESSAGING) private readonly messaging?: Messaging | null,
  ) {}

  /** Liveness: the process answers. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the store answers, and Kafka too when the service uses it. */
  @Get('ready')
  async ready(): Promise<{ status: 'ok'; checks: Record<string, Check> }> {
    const store: Check = await this.runtime.client.query('SELECT 1').then(() => 'up' as const, () => 'down' as const);
    const kafka: Check = this.messaging ? ((await this.messaging.ready()) ? 'up' : 'down') : 'not configured';
    const checks = { store, kafka };
    if (store === 'down' || kafka === 'down') {
      throw new HttpException({ type: 'about:blank', title: 'not ready', status: 503, checks }, 503);
    }
    return { status: 'ok', checks };
  }
}
