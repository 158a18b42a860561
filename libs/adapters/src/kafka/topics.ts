import { Admin } from 'kafkajs';
import { KafkaConfig } from './kafka-config';

export const DEFAULT_PARTITIONS = 4;

/**
 * Creates the service's four topics where they do not exist yet, with the broker's default
 * replication factor; existing topics are left exactly as operators configured them. Returns
 * the names it created. Safe to run from several instances at once: "already exists" is fine.
 */
export async function ensureTopics(
  admin: Admin,
  config: Pick<KafkaConfig, 'topics'>,
  partitions: number = DEFAULT_PARTITIONS,
): Promise<string[]> {
  if (!Number.isSafeInteger(partitions) || partitions < 1)
    throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  const wanted = [config.topics.identity, config.topics.contracts, config.topics.charges, config.topics.deadLetter];
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((topic) => !existing.has(topic));
  if (missing.length === 0) return [];
  await admin.createTopics({
    // -1: the broker's default.replication.factor, rather than a number that fits only one cluster.
    topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
    waitForLeaders: true,
  });
  return missing;
}
