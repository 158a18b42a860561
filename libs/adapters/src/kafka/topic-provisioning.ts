import { Admin } from 'kafkajs';
import { TopicDeclaration } from './topic-declarations';

/** The declared topics the cluster does not have. */
export async function missingTopics(
  admin: Admin,
  declarations: readonly TopicDeclaration[],
): Promise<TopicDeclaration[]> {
  const existing = new Set(await admin.listTopics());
  return declarations.filter((declaration) => !existing.has(declaration.name));
}

/**
 * Creates the declared topics that are missing, with their partitions, replication factor,
 * retention and cleanup policy, and returns their names; existing topics are left exactly as
 * operators configured them. Safe to run from several instances at once: a topic another one
 * created meanwhile counts as there.
 */
export async function createMissingTopics(admin: Admin, declarations: readonly TopicDeclaration[]): Promise<string[]> {
  const missing = await missingTopics(admin, declarations);
  if (missing.length === 0) return [];
  await admin.createTopics({
    topics: missing.map((declaration) => ({
      topic: declaration.name,
      numPartitions: declaration.partitions,
      // -1: the broker's default.replication.factor, rather than a number that fits only one cluster.
      replicationFactor: declaration.replicationFactor ?? -1,
      configEntries: [
        { name: 'retention.ms', value: String(declaration.retentionMs) },
        { name: 'cleanup.policy', value: declaration.cleanupPolicy },
      ],
    })),
    waitForLeaders: true,
  });
  return missing.map((declaration) => declaration.name);
}
