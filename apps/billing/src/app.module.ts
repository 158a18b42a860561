import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { ServiceConfig } from './config/service-config';
import { HealthController } from './health/health.controller';
import { AdminController } from './http/admin.controller';
import { BearerTokenGuard } from './http/bearer-token.guard';
import { BillingController } from './http/billing.controller';
import { EventsController } from './http/events.controller';
import { ProblemFilter } from './http/problem';
import { MessagingModule } from './messaging/messaging.module';
import { ProjectionFollower } from './runtime/projection-follower';
import { RuntimeModule } from './runtime/runtime.module';
import { CloseScheduler } from './scheduler/close-scheduler';

/** The `serve` application: only wiring; the rules live in libs/domain, the work in libs/application. */
@Module({})
export class AppModule {
  static forConfig(config: ServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: { level: config.logLevel, autoLogging: false, quietReqLogger: true } }),
        RuntimeModule.forConfig(config),
        MessagingModule.forConfig(config),
      ],
      controllers: [HealthController, EventsController, BillingController, AdminController],
      providers: [CloseScheduler, ProjectionFollower, BearerTokenGuard, { provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
