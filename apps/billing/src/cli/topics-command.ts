import { ConfigurationError } from '@smartme/adapters/config/configuration-error';
import { KafkaConfig, kafkaConfigFromEnv, kafkaTopicsFromEnv } from '@smartme/adapters/kafka/kafka-config';
import { TopicDeclaration, declareTopics, topicProvisioningFromEnv } from '@smartme/adapters/kafka/topic-declarations';
import { Command, Option } from 'commander';
import { Format, defaultFormat, print } from './output';

interface TopicsFlags {
  create?: boolean;
  format?: Format;
}

/**
 * `billing topics [--create]`: the Kafka topics the service declares, from the same settings
 * as `serve` (topic names, KAFKA_TOPIC_PARTITIONS, KAFKA_TOPIC_REPLICATION_FACTOR); with
 * --create, the missing ones are created (for clusters that do not create topics themselves,
 * before producers or the service start).
 */
export function addTopicsCommand(program: Command): void {
  program
    .command('topics')
    .description('the Kafka topics the service declares; --create creates those the cluster lacks')
    .option(
      '--create',
      'create the declared topics that do not exist (needs KAFKA_BROKERS); existing ones stay as they are',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['ndjson', 'table']))
    .action(async (flags: TopicsFlags) => {
      const { declarations, kafka } = settings(process.env);
      let created: ReadonlySet<string> | null = null;
      if (flags.create) {
        if (!kafka) throw new ConfigurationError('topics --create: KAFKA_BROKERS is not set');
        created = new Set(await createMissing(kafka, declarations));
      }
      const format = flags.format ?? defaultFormat();
      print(
        declarations.map((declaration) => row(declaration, created, format)),
        format,
      );
    });
}

function settings(env: NodeJS.ProcessEnv): { declarations: TopicDeclaration[]; kafka: KafkaConfig | null } {
  try {
    return {
      declarations: declareTopics(kafkaTopicsFromEnv(env), topicProvisioningFromEnv(env)),
      kafka: kafkaConfigFromEnv(env),
    };
  } catch (error) {
    throw new ConfigurationError((error as Error).message);
  }
}

async function createMissing(kafka: KafkaConfig, declarations: readonly TopicDeclaration[]): Promise<string[]> {
  // kafkajs is loaded only here: printing the declaration needs no client.
  const [{ createKafka }, { silentKafkaLogger }, { createMissingTopics }, { logLevel }] = await Promise.all([
    import('@smartme/adapters/kafka/kafka-client'),
    import('@smartme/adapters/kafka/kafka-logger'),
    import('@smartme/adapters/kafka/topic-provisioning'),
    import('kafkajs'),
  ]);
  // A few quick attempts: an operator at a terminal wants to hear that the brokers are unreachable.
  const admin = createKafka(kafka, {
    logger: silentKafkaLogger,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5_000,
    retry: { retries: 2 },
  }).admin();
  await admin.connect();
  try {
    return await createMissingTopics(admin, declarations);
  } finally {
    await admin.disconnect();
  }
}

function row(declaration: TopicDeclaration, created: ReadonlySet<string> | null, format: Format): object {
  return {
    topic: declaration.name,
    role: declaration.role,
    direction: declaration.direction,
    partitions: declaration.partitions,
    // null in ndjson: the broker's default.replication.factor.
    replicationFactor: declaration.replicationFactor ?? (format === 'ndjson' ? null : 'broker default'),
    retentionDays: declaration.retentionMs / 86_400_000,
    cleanupPolicy: declaration.cleanupPolicy,
    key: declaration.key,
    ...(created ? { created: created.has(declaration.name) } : {}),
  };
}
