import { Params } from 'nestjs-pino';
import pretty from 'pino-pretty';
import { LogFormat } from '../config/log-format';

/** The service's pino settings: JSON lines, or readable ones at a terminal (config/log-format.ts). */
export function pinoHttpParams(logLevel: string, logFormat: LogFormat): Params['pinoHttp'] {
  const options = { level: logLevel, autoLogging: false, quietReqLogger: true };
  if (logFormat === 'json') return options;
  // In this thread and synchronously, not through pino's worker-thread transport: a terminal
  // gets every line in order, the last ones included when the process exits.
  const stream = pretty({
    sync: true,
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context',
    messageFormat: '{if context}[{context}] {end}{msg}',
  });
  return [options, stream];
}
