import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { formatJst } from '@smartme/domain';
import { BillingRuntime } from '../composition/billing-runtime';
import { ServiceConfig } from '../config/service-config';
import { BILLING_RUNTIME, SERVICE_CONFIG } from '../runtime/tokens';

/**
 * Closes billing periods as the clock passes their end plus the grace (§5). Each run
 * closes everything due, so after downtime the first run catches up on every period
 * that became due meanwhile, in order. Runs of all instances take turns on the store's
 * close lock, and a close is idempotent, so an instance that finds nothing left to do
 * issues nothing.
 */
@Injectable()
export class CloseScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('scheduler');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(BILLING_RUNTIME) private readonly runtime: BillingRuntime,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.schedulerIntervalMs <= 0) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.config.schedulerIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.closeNow().finally(() => {
      this.running = null;
    });
  }

  private async closeNow(): Promise<void> {
    const asOfMs = this.config.clock.nowMs();
    const started = performance.now();
    try {
      const { issued, problems } = await this.runtime.close.asOf(asOfMs);
      for (const problem of problems) this.logger.error(`organisation ${problem.orgId} not billed: ${problem.reason}`);
      if (issued.length > 0 || problems.length > 0) {
        this.logger.log(
          `close as of ${formatJst(asOfMs)}: ${issued.length} charge event(s) in ${Math.round(performance.now() - started)} ms`,
        );
      }
    } catch (error) {
      this.logger.error(`close as of ${formatJst(asOfMs)} failed: ${(error as Error).message}`);
    }
  }
}
