import { CloseRun, IngestedInput } from '@smartme/application';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PartitionLag } from '../kafka/consumer-lag';

/** What the gauges read when Prometheus scrapes (nothing is polled in between). */
export interface MetricSources {
  /** Event store head position minus the projections' checkpoint. */
  projectionLag(): Promise<number>;
  /** Charges stored but not yet acknowledged by the broker. */
  outboxBacklog(): Promise<number>;
  /** Per assigned partition; absent without Kafka. */
  consumerLag?(): readonly PartitionLag[];
}

export interface BillingMetricsOptions {
  /** Node.js process metrics (CPU, memory, event loop, GC) in the same registry; default true. */
  readonly processMetrics?: boolean;
  /** A gauge's source failed during a scrape: the gauge reads NaN (or has no series) in that scrape. */
  readonly onCollectError?: (metric: string, error: unknown) => void;
}

const CLOSE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/**
 * The service's Prometheus metrics in a registry of their own (never prom-client's global
 * one), so that every application instance, and every test, counts for itself.
 *
 * Counters are fed by the use cases' observers (`ingested`, `closeRun`); gauges of state
 * kept elsewhere (projection lag, outbox backlog, consumer lag) are read on each scrape.
 */
export class BillingMetrics {
  readonly registry = new Registry();
  private readonly eventsIn: Counter<'type' | 'outcome'>;
  private readonly chargeEvents: Counter<'type' | 'kind'>;
  private readonly closeDuration: Histogram<'outcome'>;
  private readonly lastSuccessfulClose: Gauge;
  private readonly closedThrough: Gauge<'period'>;
  private readonly collectErrors: Counter<'metric'>;
  private readonly readers: (() => Promise<void>)[] = [];

  constructor(
    private readonly sources: MetricSources,
    private readonly options: BillingMetricsOptions = {},
  ) {
    const registers = [this.registry];
    this.eventsIn = new Counter({
      name: 'billing_events_in_total',
      help: 'Input events received (HTTP, Kafka, files, re-drive), by type (unknown when an invalid input names none) and outcome: accepted (stored), duplicate (same id and content seen before), dead-lettered (invalid or conflicting, written to the dead letters)',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.chargeEvents = new Counter({
      name: 'billing_charge_events_total',
      help: 'Charge events issued by close runs (events out to invoicing), by type (ChargeIssued, ChargeAdjusted) and charge kind',
      labelNames: ['type', 'kind'],
      registers,
    });
    this.closeDuration = new Histogram({
      name: 'billing_close_duration_seconds',
      help: 'Duration of close runs while holding the close lock, by outcome: success, partial (some organisations could not be rated), failure. One run closes every due month and billing year of every organisation together, so durations are per run, not per period type',
      labelNames: ['outcome'],
      buckets: CLOSE_BUCKETS,
      registers,
    });
    this.lastSuccessfulClose = new Gauge({
      name: 'billing_close_last_success_timestamp_seconds',
      help: 'When the last close run that billed every organisation finished (Unix time)',
      registers,
    });
    this.closedThrough = new Gauge({
      name: 'billing_closed_through_timestamp_seconds',
      help: 'End of the latest period, per type (month, year), whose close was due at the last successful close run: the periods before it are billed (Unix time)',
      labelNames: ['period'],
      registers,
    });
    this.collectErrors = new Counter({
      name: 'billing_metrics_collect_errors_total',
      help: 'Scrapes in which a gauge could not be read (it then reads NaN, or has no series), by metric',
      labelNames: ['metric'],
      registers,
    });
    this.gauge(
      'billing_projection_lag_events',
      'Event store positions not yet applied to the projections (head position minus checkpoint)',
      async (gauge) => {
        gauge.set(Math.max(0, await sources.projectionLag()));
      },
    );
    this.gauge(
      'billing_outbox_backlog',
      'Charge events stored but not yet acknowledged by the broker (billing.charges)',
      async (gauge) => {
        gauge.set(await sources.outboxBacklog());
      },
    );
    if (sources.consumerLag) {
      const read = sources.consumerLag;
      this.gauge(
        'billing_kafka_consumer_lag',
        'Messages behind the log end, per assigned input topic partition, as the consumer last saw it',
        (gauge) => {
          for (const { topic, partition, lag } of read()) gauge.set({ topic, partition: String(partition) }, lag);
        },
        ['topic', 'partition'],
      );
    }
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** The Ingestion observer: counts a batch once its outcomes are durable. */
  readonly ingested = (batch: readonly IngestedInput[]): void => {
    for (const input of batch) {
      // A re-driven dead letter that fails again is not new input, nor a new dead letter.
      if (input.outcome === 'still-rejected') continue;
      this.eventsIn.inc({ type: input.type ?? 'unknown', outcome: input.outcome });
    }
  };

  /** The PeriodClose observer. */
  readonly closeRun = (run: CloseRun): void => {
    if (!run.ok) {
      this.closeDuration.observe({ outcome: 'failure' }, run.durationMs / 1000);
      return;
    }
    for (const event of run.report.issued) this.chargeEvents.inc({ type: event.type, kind: event.data.kind });
    const complete = run.report.problems.length === 0;
    this.closeDuration.observe({ outcome: complete ? 'success' : 'partial' }, run.durationMs / 1000);
    if (!complete) return;
    this.lastSuccessfulClose.setToCurrentTime();
    this.closedThrough.set({ period: 'month' }, run.due.month.endMs / 1000);
    this.closedThrough.set({ period: 'year' }, run.due.year.endMs / 1000);
  };

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * The exposition text of every metric, reading the gauges first (not in the registry's
   * own collect callbacks, which run alongside the counters' snapshot: a read error would
   * only show in the next scrape's error counter).
   */
  async metrics(): Promise<string> {
    await Promise.all(this.readers.map((read) => read()));
    return this.registry.metrics();
  }

  /** A gauge read on scrape; a failing source makes it NaN (no series when labelled) instead of failing the scrape. */
  private gauge<L extends string>(
    name: string,
    help: string,
    read: (gauge: Gauge<L>) => Promise<void> | void,
    labelNames: L[] = [],
  ): void {
    const gauge = new Gauge<L>({ name, help, labelNames, registers: [this.registry] });
    this.readers.push(async () => {
      gauge.reset();
      try {
        await read(gauge);
      } catch (error) {
        // Unknown, not zero: a lag of 0 would read as healthy.
        gauge.reset();
        if (labelNames.length === 0) (gauge as unknown as Gauge).set(Number.NaN);
        this.collectErrors.inc({ metric: name });
        this.options.onCollectError?.(name, error);
      }
    });
  }
}
