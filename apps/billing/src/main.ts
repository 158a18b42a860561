import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NextFunction, Request, Response, json, raw } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ServiceConfig } from './config/service-config';
import { serveOpenApi } from './http/openapi';
import { ProblemException } from './http/problem';

/** Builds the service application; `listen` is the caller's (serve, or a test on a random port). */
export async function createService(config: ServiceConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forConfig(config), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  // Events keep their bytes (dead letters store input exactly as received); the rest is JSON.
  app.use('/v1/events', raw({ type: () => true, limit: config.bodyLimit }));
  const parseJson = json({ limit: '100kb' });
  app.use((request: Request, response: Response, next: NextFunction) =>
    parseJson(request, response, (error?: unknown) => next(malformedJson(error))),
  );
  serveOpenApi(app);
  app.enableShutdownHooks();
  return app;
}

/**
 * Invalid JSON as a problem naming the body (NestJS would make it a bare 400); other
 * parser errors (too large, bad charset) keep their status and reach ProblemFilter as they are.
 */
function malformedJson(error: unknown): unknown {
  if (error instanceof SyntaxError && (error as { status?: unknown }).status === 400) {
    return new ProblemException(400, 'malformed body', `not JSON: ${error.message}`, 'body');
  }
  return error;
}

export async function serve(config: ServiceConfig): Promise<INestApplication> {
  const app = await createService(config);
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    // A start that fails half way (Kafka topics missing, a port taken) releases what it opened,
    // or the process would hang on it instead of exiting with the error.
    await app.close().catch(() => undefined);
    throw error;
  }
  const logger = app.get(Logger);
  const store = config.runtime.databaseUrl ? 'PostgreSQL' : `the embedded store in ${config.runtime.dataDir}`;
  logger.log(`billing serving on http://${config.host}:${config.port} with ${store}`, 'serve');
  if (!config.kafka)
    logger.warn(
      'KAFKA_BROKERS is not set: no Kafka consumers or charge publication; events are ingested over HTTP only (POST /v1/events)',
      'serve',
    );
  return app;
}
