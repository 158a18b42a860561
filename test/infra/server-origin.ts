/**
 * Where a test's server comes from, in the order the ecosystem uses:
 * 1. the environment names one (DATABASE_URL, KAFKA_BROKERS, EVENTSTORE_CONNECTION_STRING): a CI
 *    service or a developer's own server, left alone afterwards;
 * 2. else a throwaway container when a Docker engine answers (testcontainers, ./containers.ts);
 * 3. else a server started here without Docker: a throwaway PostgreSQL cluster from the installed
 *    binaries (./postgres.ts), Kafka from Maven Central's jars (./kafka.ts). EventStoreDB has no
 *    such fallback: its contract suite then says that it did not run.
 *
 * Whether Docker answers is asked once per test run, by the global setup (test/global-setup.ts),
 * which leaves the answer in BILLING_TEST_CONTAINERS (`docker` or `none`) for every suite; set it
 * to `none` beforehand to keep containers out where Docker runs.
 */
import { probeDockerEngine } from './docker-engine';

export type ServerOrigin = 'environment' | 'container' | 'local';

export const CONTAINERS_VARIABLE = 'BILLING_TEST_CONTAINERS';

export function serverOrigin(fromEnvironment: string | undefined, dockerAnswers: boolean): ServerOrigin {
  if (fromEnvironment !== undefined && fromEnvironment.trim() !== '') return 'environment';
  return dockerAnswers ? 'container' : 'local';
}

/** The global setup's answer; outside Jest (a script using these helpers) the engine is asked here, once. */
export async function containersAvailable(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const answer = env[CONTAINERS_VARIABLE];
  if (answer === 'docker' || answer === 'none') return answer === 'docker';
  const engine = await probeDockerEngine(env);
  env[CONTAINERS_VARIABLE] = engine.answers ? 'docker' : 'none';
  return engine.answers;
}

/** The same answer for code that must decide synchronously (which tests a suite registers). */
export function containersAvailableSync(env: NodeJS.ProcessEnv = process.env): boolean {
  const answer = env[CONTAINERS_VARIABLE];
  if (answer !== 'docker' && answer !== 'none')
    throw new Error(`${CONTAINERS_VARIABLE} is not set: the global setup (test/global-setup.ts) did not run`);
  return answer === 'docker';
}
