import { Environment, KafkaTopics } from './kafka-config';
import { DEFAULT_PARTITIONS } from './topics';

/**
 * The service's four topics as it declares them (interfaces.md §1, §2; docs/asyncapi.yaml
 * describes the same): created with these settings where missing, at start when
 * KAFKA_CREATE_TOPICS is on and by `billing topics --create`, for clusters where
 * `auto.create.topics.enable` is off (a producer starting first would otherwise wait on a
 * topic that does not exist). Existing topics are never altered: operators own them.
 */
export interface TopicDeclaration {
  readonly role: keyof KafkaTopics;
  readonly name: string;
  readonly direction: 'in' | 'out';
  readonly partitions: number;
  /** Null: the broker's `default.replication.factor`. */
  readonly replicationFactor: number | null;
  /** `retention.ms`. */
  readonly retentionMs: number;
  readonly cleanupPolicy: 'delete';
  /** What the message key is (producers set it on input topics): one organisation's messages stay in order. */
  readonly key: string;
}

/** How missing topics are provisioned (README, configuration). */
export interface TopicProvisioning {
  /** KAFKA_CREATE_TOPICS: create missing topics when the service starts (default on). */
  readonly create: boolean;
  /** KAFKA_TOPIC_PARTITIONS. */
  readonly partitions: number;
  /** KAFKA_TOPIC_REPLICATION_FACTOR; null, the default, is the broker's default.replication.factor. */
  readonly replicationFactor: number | null;
}

export const DEFAULT_TOPIC_PROVISIONING: TopicProvisioning = {
  create: true,
  partitions: DEFAULT_PARTITIONS,
  replicationFactor: null,
};

const DAY_MS = 86_400_000;

/**
 * Input topics keep a week, Kafka's own default: once consumed, the event store is the record,
 * and a week covers an outage of the service. Output topics keep 30 days: a whole billing month
 * for invoicing (or a producer reading its dead letters) to be down and still catch up.
 */
const ROLES: Readonly<Record<keyof KafkaTopics, Pick<TopicDeclaration, 'direction' | 'retentionMs' | 'key'>>> = {
  identity: {
    direction: 'in',
    retentionMs: 7 * DAY_MS,
    key: 'organisation: data.orgId (data.holderOrgId of a CredentialVerified)',
  },
  contracts: { direction: 'in', retentionMs: 7 * DAY_MS, key: 'organisation: data.orgId' },
  charges: { direction: 'out', retentionMs: 30 * DAY_MS, key: 'organisation: data.orgId' },
  deadLetter: {
    direction: 'out',
    retentionMs: 30 * DAY_MS,
    key: "the rejected message's own key (its organisation); none for files and HTTP",
  },
};

export function declareTopics(
  topics: KafkaTopics,
  provisioning: Pick<TopicProvisioning, 'partitions' | 'replicationFactor'> = DEFAULT_TOPIC_PROVISIONING,
): TopicDeclaration[] {
  return (Object.keys(ROLES) as (keyof KafkaTopics)[]).map((role) => ({
    role,
    name: topics[role],
    ...ROLES[role],
    partitions: provisioning.partitions,
    replicationFactor: provisioning.replicationFactor,
    cleanupPolicy: 'delete',
  }));
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** KAFKA_CREATE_TOPICS, KAFKA_TOPIC_PARTITIONS and KAFKA_TOPIC_REPLICATION_FACTOR, each checked by name. */
export function topicProvisioningFromEnv(env: Environment): TopicProvisioning {
  const createText = env.KAFKA_CREATE_TOPICS?.trim().toLowerCase() ?? '';
  if (createText !== '' && !TRUE.has(createText) && !FALSE.has(createText))
    throw new Error(`KAFKA_CREATE_TOPICS: "${env.KAFKA_CREATE_TOPICS}" is not a boolean (true/false, 1/0, on/off)`);
  return {
    create: createText === '' || TRUE.has(createText),
    partitions: integerFrom(env, 'KAFKA_TOPIC_PARTITIONS', 1, 10_000) ?? DEFAULT_PARTITIONS,
    // Kafka's limit: replicas are counted in a 16-bit integer.
    replicationFactor: integerFrom(env, 'KAFKA_TOPIC_REPLICATION_FACTOR', 1, 32_767),
  };
}

function integerFrom(env: Environment, variable: string, min: number, max: number): number | null {
  const text = env[variable]?.trim() ?? '';
  if (text === '') return null;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw new Error(`${variable}: "${text}" must be an integer from ${min} to ${max}`);
  return value;
}
