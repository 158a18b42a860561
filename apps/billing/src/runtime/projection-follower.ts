import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { BillingRuntime } from '../composition/billing-runtime';
import { BILLING_RUNTIME } from '../runtime/tokens';

/** Keeps the projections at the head of the event store while the service runs. */
@Injectable()
export class ProjectionFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projections');
  private active = true;
  private following: Promise<unknown> | null = null;

  constructor(@Inject(BILLING_RUNTIME) private readonly runtime: BillingRuntime) {}

  onApplicationBootstrap(): void {
    this.following = this.follow();
  }

  async onApplicationShutdown(): Promise<void> {
    this.active = false;
    await this.following;
  }

  private async follow(): Promise<void> {
    while (this.active) {
      try {
        await this.runtime.projector.follow(() => this.active, undefined, 100);
      } catch (error) {
        this.logger.error(`projection failed, retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }
}
