import { ConfigurationError } from '@smartme/adapters/config/configuration-error';
import { KafkaConfig, kafkaConfigFromEnv } from '@smartme/adapters/kafka/kafka-config';
import {
  DEFAULT_TOPIC_PROVISIONING,
  TopicProvisioning,
  topicProvisioningFromEnv,
} from '@smartme/adapters/kafka/topic-declarations';
import { parseInstant } from '@smartme/domain';
import { Clock, systemClock } from '@smartme/ports';
import { RuntimeOptions, duration, runtimeOptions } from '../composition/runtime-options';
import { LogFormat, logFormatFrom } from './log-format';

/** How `serve` runs, from the environment (README, configuration table). */
export interface ServiceConfig {
  readonly runtime: RuntimeOptions;
  readonly kafka: KafkaConfig | null;
  /** How missing topics are created (KAFKA_CREATE_TOPICS, KAFKA_TOPIC_PARTITIONS, KAFKA_TOPIC_REPLICATION_FACTOR). */
  readonly topicProvisioning: TopicProvisioning;
  readonly host: string;
  readonly port: number;
  readonly apiToken: string | null;
  readonly adminToken: string | null;
  /** How often the scheduler looks for due periods; 0 turns it off. */
  readonly schedulerIntervalMs: number;
  /** The service's clock: the system clock, or one started at BILLING_CLOCK_START (tests, benchmarks). */
  readonly clock: Clock;
  readonly outboxPollMs: number;
  readonly logLevel: string;
  /** LOG_FORMAT: readable lines at a terminal, JSON otherwise (config/log-format.ts). */
  readonly logFormat: LogFormat;
  /** Largest accepted request body (POST /v1/events). */
  readonly bodyLimit: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads and checks every setting at start-up, reporting all problems at once, each
 * naming its variable; the service refuses to start on any of them.
 */
export function serviceConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  stdoutIsTTY: boolean = process.stdout.isTTY === true,
): ServiceConfig {
  const problems: string[] = [];
  const attempt = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      problems.push((error as Error).message);
      return fallback;
    }
  };
  const runtime = attempt(() => runtimeOptions({}, env), { dataDir: './data', tariffPath: '', databaseUrl: null });
  const kafka = attempt(() => kafkaConfigFromEnv(env), null);
  const topicProvisioning = attempt(() => topicProvisioningFromEnv(env), DEFAULT_TOPIC_PROVISIONING);
  const host = env.HOST || '127.0.0.1';
  const port = attempt(() => integer('PORT', env.PORT, 3000, 0, 65535), 3000);
  const apiToken = env.BILLING_API_TOKEN || null;
  const adminToken = env.BILLING_ADMIN_TOKEN || null;
  if (!apiToken && !LOOPBACK.has(host)) {
    problems.push(
      `BILLING_API_TOKEN: required when HOST=${host} is not a loopback address (the API must not be open to the network)`,
    );
  }
  for (const [name, token] of [
    ['BILLING_API_TOKEN', apiToken],
    ['BILLING_ADMIN_TOKEN', adminToken],
  ] as const) {
    if (token !== null && token.length < 16) problems.push(`${name}: must be at least 16 characters`);
  }
  const schedulerIntervalMs = attempt(() => duration('SCHEDULER_INTERVAL', env.SCHEDULER_INTERVAL) ?? 60_000, 60_000);
  const outboxPollMs = attempt(() => duration('OUTBOX_POLL_INTERVAL', env.OUTBOX_POLL_INTERVAL) ?? 1_000, 1_000);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  const logFormat = attempt(() => logFormatFrom(env.LOG_FORMAT, stdoutIsTTY), 'json');
  const bodyLimit = env.BODY_LIMIT || '5mb';
  const clock = attempt(() => clockFrom(env.BILLING_CLOCK_START), systemClock);
  // Last: every setting above has been read, so every problem is in the one message.
  if (problems.length > 0) throw new ConfigurationError(`invalid configuration: ${problems.join('; ')}`);
  return {
    runtime,
    kafka,
    topicProvisioning,
    host,
    port,
    apiToken,
    adminToken,
    schedulerIntervalMs,
    clock,
    outboxPollMs,
    logLevel,
    logFormat,
    bodyLimit,
  };
}

/**
 * A clock that reads BILLING_CLOCK_START when the service starts and runs at real speed
 * from there: it lets a test or a benchmark watch the scheduler close a period "on time"
 * without waiting for a real month end. Never set it in production.
 */
function clockFrom(start: string | undefined): Clock {
  if (start === undefined || start === '') return systemClock;
  let startMs: number;
  try {
    startMs = parseInstant(start).epochMs;
  } catch (error) {
    throw new Error(`BILLING_CLOCK_START=${start}: ${(error as Error).message}`);
  }
  const offset = startMs - Date.now();
  return { nowMs: () => Date.now() + offset };
}

function integer(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name}=${text}: must be an integer from ${min} to ${max}`);
  return value;
}
