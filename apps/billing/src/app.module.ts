import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { ServiceConfig } from './config/service-config';
import { HealthController } from './health/health.controller';
import { pinoHttpParams } from './logging/pino-http-params';
import { AdminController } from './http/admin.controller';
import { BearerTokenGuard } from './http/bearer-token.guard';
import { BillingController } from './http/billing.controller';
import { EventsController } from './http/events.controller';
import { ProblemFilter } from './http/problem';
import { ProblemValidationPipe } from './http/validation';
import { MessagingModule } from './messaging/messaging.module';
import { MetricsObservers, metricsProvider } from './metrics/metrics';
import { MetricsController } from './metrics/metrics.controller';
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
        LoggerModule.forRoot({ pinoHttp: pinoHttpParams(config.logLevel, config.logFormat) }),
        TerminusModule.forRoot({ errorLogStyle: 'json' }),
        RuntimeModule.forConfig(config),
        MessagingModule.forConfig(config),
      ],
      controllers: [HealthController, MetricsController, EventsController, BillingController, AdminController],
      providers: [
        CloseScheduler,
        ProjectionFollower,
        BearerTokenGuard,
        metricsProvider,
        MetricsObservers,
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useClass: ProblemValidationPipe },
      ],
    };
  }
}
