/**
 * The container path of the test servers (./server-origin.ts): throwaway containers started
 * with testcontainers 11 where a Docker engine answers, removed by stop() (or by testcontainers'
 * reaper if the run dies). Not run on the development machines, which have no engine: kept
 * small so that it can be read rather than trusted. Images: POSTGRES_IMAGE, KAFKA_IMAGE and
 * KURRENTDB_IMAGE override the defaults below.
 */
import { KafkaContainer } from '@testcontainers/kafka';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { GenericContainer, StartedTestContainer, Wait } from 'testcontainers';

export const POSTGRES_IMAGE = 'postgres:15';
/** Confluent's build of Apache Kafka 3.9, what @testcontainers/kafka 11 knows how to start. */
export const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.1';
export const KURRENTDB_IMAGE = 'docker.kurrent.io/kurrent-latest/kurrentdb:25.1.4';

export interface ContainerServer {
  /** A DATABASE_URL, a KAFKA_BROKERS entry or an EVENTSTORE_CONNECTION_STRING. */
  readonly address: string;
  stop(): Promise<void>;
}

const stopper = (container: StartedTestContainer) => async (): Promise<void> => void (await container.stop());

export async function postgresContainer(): Promise<ContainerServer> {
  const container = await new PostgreSqlContainer(process.env.POSTGRES_IMAGE || POSTGRES_IMAGE)
    .withDatabase('test')
    .start();
  return { address: container.getConnectionUri(), stop: stopper(container) };
}

export async function kafkaContainer(): Promise<ContainerServer> {
  const container = await new KafkaContainer(process.env.KAFKA_IMAGE || KAFKA_IMAGE)
    .withKraft()
    // As the local broker (./kafka.ts): topics a test does not declare get 4 partitions.
    .withEnvironment({ KAFKA_NUM_PARTITIONS: '4' })
    .start();
  return { address: `${container.getHost()}:${container.getMappedPort(9093)}`, stop: stopper(container) };
}

/** One insecure in-memory node, for the EventStoreDB contract suite. */
export async function kurrentDbContainer(): Promise<ContainerServer> {
  const container = await new GenericContainer(process.env.KURRENTDB_IMAGE || KURRENTDB_IMAGE)
    .withEnvironment({
      KURRENTDB_INSECURE: 'true',
      KURRENTDB_MEM_DB: 'true',
      KURRENTDB_CLUSTER_SIZE: '1',
      KURRENTDB_RUN_PROJECTIONS: 'None',
    })
    .withExposedPorts(2113)
    .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCodeMatching((code) => code >= 200 && code < 300))
    .withStartupTimeout(120_000)
    .start();
  return {
    address: `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`,
    stop: stopper(container),
  };
}
