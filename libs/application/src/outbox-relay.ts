import { ChargeOutbox, ChargePublisher, positiveInteger } from '@smartme/ports';

/** What the relay tells an operator, in pino's (object, message) shape. */
export interface RelayLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface OutboxRelayOptions {
  readonly outbox: ChargeOutbox;
  readonly publisher: ChargePublisher;
  readonly logger: RelayLogger;
  /** Charges per publish (one producer request per partition). */
  readonly batchSize?: number;
  /** How long to wait before looking again when the outbox is empty; `wake()` cuts it short. */
  readonly pollIntervalMs?: number;
  /** The first wait after a failure; it doubles on each further failure, up to maxBackoffMs. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export const DEFAULT_RELAY_BATCH_SIZE = 500;

/**
 * Moves charges from the outbox to the broker: read pending, publish, and only once the
 * broker acknowledged them, mark them published. A crash or outage anywhere in between leaves
 * them pending, to be published again (at least once; invoicing dedupes by CloudEvent id).
 * During an outage the relay backs off exponentially instead of hammering the broker.
 */
export class OutboxRelay {
  private loop: Promise<void> | null = null;
  private stopping = false;
  /** Set by wake() while no sleep is in progress, so the next idle sleep is skipped. */
  private woken = false;
  private interruptSleep: ((cause: 'wake' | 'stop') => void) | null = null;
  /** Serialises publication rounds, so that drain() and the loop never publish the same rows at once. */
  private round: Promise<unknown> = Promise.resolve();
  private publishedCount = 0;
  private readonly batchSize: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = positiveInteger(options.batchSize ?? DEFAULT_RELAY_BATCH_SIZE, 'batchSize');
  }

  /** Charges published (acknowledged and marked) by this relay so far. */
  get published(): number {
    return this.publishedCount;
  }

  get running(): boolean {
    return this.loop !== null;
  }

  start(): void {
    if (this.loop !== null) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Ends the loop after the round in progress (which may still publish, and then marks). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.interruptSleep?.('stop');
    await this.loop;
    this.loop = null;
  }

  /** Publish promptly: charges were just stored. Does not cut a failure backoff short. */
  wake(): void {
    this.woken = true;
    this.interruptSleep?.('wake');
  }

  /** Publishes until the outbox is empty; rejects on the first failure (tests, one-shot commands). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishRound();
      total += published;
      if (published === 0 && (await this.options.outbox.backlog()) === 0) return total;
    }
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    let failures = 0;
    while (!this.stopping) {
      try {
        const published = await this.publishRound();
        if (failures > 0) logger.info({ failures }, 'outbox relay recovered');
        failures = 0;
        // A full batch means more may be waiting: go on at once.
        if (published < this.batchSize) await this.sleep(this.options.pollIntervalMs ?? 1_000, true);
      } catch (error) {
        failures++;
        const retryInMs = Math.min(
          (this.options.initialBackoffMs ?? 1_000) * 2 ** Math.min(failures - 1, 30),
          this.options.maxBackoffMs ?? 30_000,
        );
        logger.warn(
          { failures, retryInMs, err: error instanceof Error ? error.message : String(error) },
          'outbox relay could not publish; charges stay pending',
        );
        await this.sleep(retryInMs, false);
      }
    }
  }

  private publishRound(): Promise<number> {
    const round = this.round.then(async () => {
      const { outbox, publisher, logger } = this.options;
      const pending = await outbox.pending(this.batchSize);
      if (pending.length === 0) return 0;
      await publisher.publish(pending.map((charge) => charge.event));
      // Only now: an entry marked before the acknowledgement could be lost with the broker.
      await outbox.markPublished(pending.map((charge) => charge.event.id));
      this.publishedCount += pending.length;
      logger.info(
        {
          published: pending.length,
          fromPosition: pending[0]!.position.toString(),
          toPosition: pending[pending.length - 1]!.position.toString(),
        },
        'charges published',
      );
      return pending.length;
    });
    this.round = round.catch(() => undefined);
    return round;
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopping) return Promise.resolve();
    if (wakeable && this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const end = (): void => {
        clearTimeout(timer);
        this.interruptSleep = null;
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.interruptSleep = (cause) => {
        if (cause === 'stop' || wakeable) {
          if (cause === 'wake') this.woken = false;
          end();
        }
      };
    });
  }
}
