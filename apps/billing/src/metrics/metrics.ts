import { Inject, Injectable, Logger, OnApplicationShutdown, Provider } from '@nestjs/common';
import { BillingMetrics } from '@smartme/adapters/metrics';
import { BillingRuntime } from '../composition/billing-runtime';
import { Messaging } from '../messaging/messaging';
import { BILLING_RUNTIME, MESSAGING } from '../runtime/tokens';

export const BILLING_METRICS = Symbol('BillingMetrics');

/**
 * The metrics of this application instance: a registry of its own, fed by observers on
 * the runtime's ingestion (every entry point: HTTP, Kafka, re-drive) and close (scheduler
 * and admin endpoint), and gauges read on scrape from the store and the Kafka consumer.
 */
export const metricsProvider: Provider = {
  provide: BILLING_METRICS,
  inject: [BILLING_RUNTIME, MESSAGING],
  useFactory: (runtime: BillingRuntime, messaging: Messaging | null): BillingMetrics => {
    const logger = new Logger('metrics');
    const { outbox } = runtime.store;
    return new BillingMetrics(
      {
        projectionLag: async () => {
          const [head, checkpoint] = await Promise.all([
            runtime.events.headPosition(),
            runtime.projections.checkpoint(),
          ]);
          return Number(head - checkpoint);
        },
        outboxBacklog: () => outbox.backlog(),
        ...(messaging ? { consumerLag: () => messaging.consumerLag() } : {}),
      },
      {
        onCollectError: (metric, error) => logger.warn(`${metric} could not be read: ${(error as Error).message}`),
      },
    );
  },
};

/** Connects the metrics to the use cases for the life of the application. */
@Injectable()
export class MetricsObservers implements OnApplicationShutdown {
  private readonly stop: (() => void)[];

  constructor(@Inject(BILLING_RUNTIME) runtime: BillingRuntime, @Inject(BILLING_METRICS) metrics: BillingMetrics) {
    this.stop = [runtime.ingestion.observe(metrics.ingested), runtime.close.observe(metrics.closeRun)];
  }

  onApplicationShutdown(): void {
    for (const stop of this.stop) stop();
  }
}
