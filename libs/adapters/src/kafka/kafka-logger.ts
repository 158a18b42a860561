import { LogEntry, logLevel } from 'kafkajs';

/**
 * The little of a logger the Kafka adapters need: pino's (object, message) call shape, so
 * a pino logger fits as it is and fields stay machine-readable.
 */
export interface KafkaLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentKafkaLogger: KafkaLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Routes kafkajs's own log lines (connection retries, rebalances, crashes) into the service's
 * logger instead of its default console output. DEBUG is dropped: KafkaLogger has no such level.
 */
export function kafkaLogCreator(logger: KafkaLogger): (level: logLevel) => (entry: LogEntry) => void {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...fields } = log;
      const obj = { kafkajs: namespace, ...fields };
      if (level === logLevel.ERROR) logger.error(obj, message);
      else if (level === logLevel.WARN) logger.warn(obj, message);
      else if (level === logLevel.INFO) logger.info(obj, message);
    };
}
