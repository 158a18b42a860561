/**
 * docker/compose.yaml and docker/Dockerfile, checked without a Docker engine: the compose
 * file parses, has its services, and wires the service with variables that the service's
 * own parsers accept and that point at the other services; the Dockerfile has the shape the
 * README promises. (`docker compose config` needs the compose plugin, which CI lacks.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseEsdbConnectionString } from '../../libs/adapters/src/esdb/esdb-connection';
import { kafkaConfigFromEnv } from '../../libs/adapters/src/kafka/kafka-config';

const root = join(__dirname, '../..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(read('docker/compose.yaml')) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;
const env = (name: string): Record<string, string> => services[name]?.environment ?? {};

describe('docker/compose.yaml', () => {
  it('has Kafka (3.9, KRaft), KurrentDB, PostgreSQL 15 and the service', () => {
    expect(Object.keys(services).sort()).toEqual(['billing', 'kafka', 'kurrentdb', 'postgres']);
    expect(services.kafka!.image).toMatch(/^apache\/kafka:3\.9(\.\d+)?$/);
    expect(services.kurrentdb!.image).toMatch(/kurrentdb:/);
    expect(services.postgres!.image).toMatch(/^postgres:15(\.|$)/);
  });

  it('runs Kafka as one KRaft node that the service reaches as kafka:9092', () => {
    const kafka = env('kafka');
    expect(kafka.KAFKA_PROCESS_ROLES!.split(',').sort()).toEqual(['broker', 'controller']);
    expect(kafka.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${kafka.KAFKA_NODE_ID}@kafka:9093`);
    expect(kafka.KAFKA_ADVERTISED_LISTENERS).toContain('PLAINTEXT://kafka:9092');
    expect(kafka.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
    expect(kafka.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe('1');
    expect(kafkaConfigFromEnv(env('billing'))?.brokers).toEqual(['kafka:9092']);
  });

  it('wires the service to the others with values its own parsers accept', () => {
    const billing = env('billing');
    expect(billing.HOST).toBe('0.0.0.0');
    // Listening beyond loopback needs a token: required, never defaulted.
    expect(billing.BILLING_API_TOKEN).toMatch(/^\$\{BILLING_API_TOKEN:\?.+\}$/);

    const esdb = parseEsdbConnectionString(billing.EVENTSTORE_CONNECTION_STRING!);
    expect(esdb.hosts).toEqual([{ host: 'kurrentdb', port: 2113 }]);
    expect(esdb.tls).toBe(env('kurrentdb').KURRENTDB_INSECURE !== 'true');

    const database = new URL(billing.DATABASE_URL!);
    const postgres = env('postgres');
    expect([
      database.protocol,
      database.hostname,
      database.port,
      database.username,
      database.password,
      database.pathname,
    ]).toEqual([
      'postgres:',
      'postgres',
      '5432',
      postgres.POSTGRES_USER,
      postgres.POSTGRES_PASSWORD,
      `/${postgres.POSTGRES_DB}`,
    ]);
    expect(billing.BILLING_TARIFF).toBe('/app/config/tariff.sample.json');
    expect(existsSync(join(root, 'config/tariff.sample.json'))).toBe(true);
  });

  it('starts the service after its dependencies are healthy, built from docker/Dockerfile at the repository root', () => {
    expect(services.billing!.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
    expect(
      existsSync(join(root, 'docker', services.billing!.build!.context, services.billing!.build!.dockerfile)),
    ).toBe(true);
    expect(services.billing!.depends_on).toEqual({
      kafka: { condition: 'service_healthy' },
      kurrentdb: { condition: 'service_healthy' },
      postgres: { condition: 'service_healthy' },
    });
    for (const name of ['kafka', 'kurrentdb', 'postgres'])
      expect(services[name]!.healthcheck?.test.length).toBeGreaterThan(0);
    expect(services.billing!.ports).toContain('3000:3000');
  });
});

describe('docker/Dockerfile', () => {
  const dockerfile = read('docker/Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('builds in one stage and runs node:24-slim in the other, production dependencies only, non-root', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-slim$/m);
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/^\$\{NODE_IMAGE\} AS build/);
    expect(stages[0]).toMatch(/RUN npm ci /);
    expect(stages[0]).toMatch(/npm run build/);
    expect(stages[1]).toMatch(/^\$\{NODE_IMAGE\} AS runtime/);
    expect(stages[1]).toMatch(/RUN npm ci --omit=dev/);
    expect(stages[1]).toMatch(/^USER node$/m);
    expect(stages[1]).toMatch(/^ENTRYPOINT \["node", "bin\/billing\.js"\]$/m);
    expect(stages[1]).toMatch(/^CMD \["serve"\]$/m);
    expect(stages[1]).toMatch(/^HEALTHCHECK [\s\S]*\/health\/live/m);
  });

  it('builds with tools/build.js from what it reads, and gives the runtime what bin/billing.js runs', () => {
    expect(JSON.parse(read('package.json')).scripts.build).toBe('node tools/build.js');
    const copied = (stage: string) =>
      [...stage.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => match[1]!.split(' '));
    // The fingerprint's inputs (tools/source-fingerprint.js) and the build's own.
    expect(copied(stages[0]!)).toEqual(expect.arrayContaining(['.swcrc', 'tools', 'apps', 'libs']));
    expect(stages[0]).toContain('test -f "dist/$(cat dist/current)/apps/billing/src/cli/main.js"');
    expect(copied(stages[1]!)).toEqual(expect.arrayContaining(['bin', 'tools/cli-entry.js', 'config']));
    expect(stages[1]).toMatch(/^COPY --from=build \/src\/dist \.\/dist$/m);
    // Without sources the bin runs the build dist/current names: at the top, tools/cli-entry.js
    // may require Node's own modules only (the image has no other file of tools/).
    expect(read('bin/billing.js')).toContain("require('../tools/cli-entry')");
    expect(read('tools/cli-entry.js')).toMatch(/^const .* = require\('node:/m);
    expect(read('tools/cli-entry.js')).not.toMatch(/^const .* = require\('(?!node:)/m);
  });
});
