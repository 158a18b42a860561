import ms from 'ms';

/** Where the service's Kafka topics live, and who it is to the brokers (interfaces.md §1, §2). */
export interface KafkaConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly groupId: string;
  readonly topics: KafkaTopics;
  /**
   * How long the group waits for a silent member before it hands the member's partitions
   * to the others. A restarted instance (after a crash, its old member never said goodbye)
   * consumes again only once that has passed, so it is short; a clean stop leaves at once.
   */
  readonly sessionTimeoutMs: number;
}

export interface KafkaTopics {
  /** Input: IdRegistered, IdRevoked, CredentialVerified. */
  readonly identity: string;
  /** Input: the contract events. */
  readonly contracts: string;
  /** Output: charge events for invoicing. */
  readonly charges: string;
  /** Output: rejected input, for the producers' own monitoring. */
  readonly deadLetter: string;
}

export const DEFAULT_KAFKA_CLIENT_ID = 'smartme-billing';
export const DEFAULT_KAFKA_GROUP_ID = 'smartme-billing';
/** Kafka brokers refuse less than their `group.min.session.timeout.ms`, 6 s by default. */
export const DEFAULT_KAFKA_SESSION_TIMEOUT_MS = 10_000;

export const DEFAULT_KAFKA_TOPICS: KafkaTopics = {
  identity: 'identity.events',
  contracts: 'billing.contracts',
  charges: 'billing.charges',
  deadLetter: 'billing.dead-letter',
};

const TOPIC_VARIABLES: Readonly<Record<keyof KafkaTopics, string>> = {
  identity: 'KAFKA_TOPIC_IDENTITY',
  contracts: 'KAFKA_TOPIC_CONTRACTS',
  charges: 'KAFKA_TOPIC_CHARGES',
  deadLetter: 'KAFKA_TOPIC_DEAD_LETTER',
};

/** Kafka's own rule for topic names (kafka.common.internals.Topic). */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
/** `host:port` or `[ipv6]:port`; the host part is left to DNS. */
const BROKER = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]/]+):(\d{1,5})$/;

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Kafka settings from the environment: null when KAFKA_BROKERS is unset or blank (the service
 * then runs without Kafka). A malformed value throws at start-up, naming the variable: a typo
 * must not turn into a consumer that silently reads from nowhere.
 */
export function kafkaConfigFromEnv(env: Environment): KafkaConfig | null {
  const brokersText = env.KAFKA_BROKERS?.trim() ?? '';
  if (brokersText === '') return null;
  const topics = kafkaTopicsFromEnv(env);
  return {
    brokers: parseBrokers(brokersText),
    clientId: nameFrom(env, 'KAFKA_CLIENT_ID', DEFAULT_KAFKA_CLIENT_ID),
    groupId: nameFrom(env, 'KAFKA_GROUP_ID', DEFAULT_KAFKA_GROUP_ID),
    topics,
    sessionTimeoutMs: sessionTimeoutFrom(env.KAFKA_SESSION_TIMEOUT),
  };
}

function parseBrokers(text: string): string[] {
  const brokers = text.split(',').map((broker) => broker.trim());
  for (const broker of brokers) {
    if (broker === '') throw new Error(`KAFKA_BROKERS: empty entry in "${text}"; expected host:port[,host:port…]`);
    const match = BROKER.exec(broker);
    if (!match) throw new Error(`KAFKA_BROKERS: "${broker}" is not host:port (a port is required), in "${text}"`);
    const port = Number(match[2]);
    if (port < 1 || port > 65535) throw new Error(`KAFKA_BROKERS: "${broker}" has port ${match[2]}, outside 1–65535`);
  }
  return brokers;
}

function topicFrom(env: Environment, key: keyof KafkaTopics): string {
  const variable = TOPIC_VARIABLES[key];
  const value = env[variable]?.trim();
  if (value === undefined || value === '') return DEFAULT_KAFKA_TOPICS[key];
  if (!TOPIC_NAME.test(value) || value === '.' || value === '..') {
    throw new Error(`${variable}: "${value}" is not a Kafka topic name (1–249 of a-z A-Z 0-9 . _ -)`);
  }
  return value;
}

/** The dead-letter topic equal to an input topic would feed rejected input back in, forever. */
function assertDistinctTopics(topics: KafkaTopics): void {
  const seen = new Map<string, keyof KafkaTopics>();
  for (const key of Object.keys(TOPIC_VARIABLES) as (keyof KafkaTopics)[]) {
    const other = seen.get(topics[key]);
    if (other !== undefined) {
      throw new Error(
        `${TOPIC_VARIABLES[key]}: "${topics[key]}" is also the ${TOPIC_VARIABLES[other]} topic; the four topics must differ`,
      );
    }
    seen.set(topics[key], key);
  }
}

/** A duration (`10s`, `1m`, milliseconds); within what brokers accept by default (6 s – 30 min). */
function sessionTimeoutFrom(text: string | undefined): number {
  const value = text?.trim() ?? '';
  if (value === '') return DEFAULT_KAFKA_SESSION_TIMEOUT_MS;
  const milliseconds = /^\d+$/.test(value) ? Number(value) : ms(value as ms.StringValue);
  if (
    typeof milliseconds !== 'number' ||
    !Number.isSafeInteger(milliseconds) ||
    milliseconds < 6_000 ||
    milliseconds > 1_800_000
  ) {
    throw new Error(`KAFKA_SESSION_TIMEOUT: "${value}" must be a duration from 6s to 30m (e.g. 10s)`);
  }
  return milliseconds;
}

function nameFrom(env: Environment, variable: string, fallback: string): string {
  const value = env[variable]?.trim();
  if (value === undefined || value === '') return fallback;
  // Printable ASCII only: these names show up in broker logs, ACLs and metrics labels.
  if (!/^[\x21-\x7e]{1,255}$/.test(value))
    throw new Error(`${variable}: "${value}" must be 1–255 printable ASCII characters without spaces`);
  return value;
}

/** The four topic names, with or without brokers (`billing topics` prints them without). */
export function kafkaTopicsFromEnv(env: Environment): KafkaTopics {
  const topics = {
    identity: topicFrom(env, 'identity'),
    contracts: topicFrom(env, 'contracts'),
    charges: topicFrom(env, 'charges'),
    deadLetter: topicFrom(env, 'deadLetter'),
  };
  assertDistinctTopics(topics);
  return topics;
}
