import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ServiceConfig } from '../config/service-config';
import { MESSAGING } from '../runtime/tokens';
import { Messaging } from './messaging';

/** Kafka when KAFKA_BROKERS is set; without it the service ingests over HTTP only. */
@Global()
@Module({})
export class MessagingModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(MESSAGING) private readonly messaging: Messaging | null) {}

  static forConfig(_config: ServiceConfig): DynamicModule {
    return {
      module: MessagingModule,
      providers: [{ provide: MESSAGING, useValue: null }],
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
