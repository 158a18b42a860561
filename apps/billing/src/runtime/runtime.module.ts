import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { BillingRuntime, openBillingRuntime } from '../composition/billing-runtime';
import { ServiceConfig } from '../config/service-config';
import { BILLING_RUNTIME, SERVICE_CONFIG } from './tokens';

/** The store, the use cases and the configuration, opened once for the whole application. */
@Global()
@Module({})
export class RuntimeModule implements OnApplicationShutdown {
  constructor(@Inject(BILLING_RUNTIME) private readonly runtime: BillingRuntime) {}

  static forConfig(config: ServiceConfig) {
    return {
      module: RuntimeModule,
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: BILLING_RUNTIME, useFactory: () => openBillingRuntime(config.runtime, config.clock) },
      ],
      exports: [SERVICE_CONFIG, BILLING_RUNTIME],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.shutdown();
  }
}
