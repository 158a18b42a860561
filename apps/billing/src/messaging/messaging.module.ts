import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { BillingRuntime } from '../composition/billing-runtime';
import { ServiceConfig } from '../config/service-config';
import { BILLING_RUNTIME, MESSAGING } from '../runtime/tokens';
import { KafkaMessaging } from './kafka-messaging';
import { Messaging } from './messaging';

/** Kafka when KAFKA_BROKERS is set; without it the service ingests over HTTP only. */
@Global()
@Module({})
export class MessagingModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(MESSAGING) private readonly messaging: Messaging | null) {}

  static forConfig(config: ServiceConfig): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        {
          provide: MESSAGING,
          inject: [BILLING_RUNTIME, PinoLogger],
          useFactory: (runtime: BillingRuntime, logger: PinoLogger): Messaging | null => {
            if (!config.kafka) return null;
            logger.setContext('kafka');
            const log = {
              info: (obj: object, msg: string) => logger.info(obj, msg),
              warn: (obj: object, msg: string) => logger.warn(obj, msg),
              error: (obj: object, msg: string) => logger.error(obj, msg),
            };
            return new KafkaMessaging(config.kafka, runtime, log, config.outboxPollMs, config.topicProvisioning);
          },
        },
      ],
      exports: [MESSAGING],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.messaging?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messaging?.stop();
  }
}
