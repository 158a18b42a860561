/**
 * Real messages against docs/asyncapi.yaml: a `billing serve` on a real broker (its topics
 * created by the service itself), fed the worked example and a generated workload by producers
 * that follow the document (keys by organisation, structured and binary mode), plus input the
 * service must reject. Everything on the four topics is then read back and checked against the
 * document: input against its messages (and the rejected input against none), every charge
 * and adjustment against the charge messages, every dead letter against RejectedInput.
 */
import { Kafka, Message, logLevel } from 'kafkajs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidateFunction } from 'ajv';
import { kafkaBrokersForTests } from '../infra/kafka';
import { ReadMessage, readMessages, uniqueSuffix, waitFor } from '../kafka/support';
import { AsyncApi } from '../support/asyncapi';
import { WORKED_EXAMPLE, tempDir } from '../support/cli';
import { ServiceProcess } from '../support/service-process';
import { workload } from '../workload/workload';

jest.setTimeout(180_000);

interface CloudEvent {
  readonly specversion: string;
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time: string;
  readonly data: Record<string, unknown>;
}

const CONTRACT_TYPES = new Set(['ContractOpened', 'IdServiceAdded', 'HeadcountChanged', 'ContractClosed']);
const organisationOf = (event: CloudEvent) => String(event.data.orgId ?? event.data.holderOrgId);

/** Structured mode, or every other event in binary mode, keyed by organisation as the document says. */
function asMessage(event: CloudEvent, binary: boolean): Message {
  if (!binary)
    return {
      key: organisationOf(event),
      value: JSON.stringify(event),
      headers: { 'content-type': 'application/cloudevents+json' },
    };
  return {
    key: organisationOf(event),
    value: JSON.stringify(event.data),
    headers: {
      ce_specversion: event.specversion,
      ce_id: event.id,
      ce_source: event.source,
      ce_type: event.type,
      ce_time: event.time,
      'content-type': 'application/json',
    },
  };
}

/** Input the service must reject, one of each mode. */
const REJECTED: readonly Message[] = [
  {
    key: 'acme',
    value: JSON.stringify({
      specversion: '1.0',
      id: 'rejected-structured',
      source: 'identity-platform',
      type: 'IdRegistered',
      time: '2025-10-12T09:30:00+09:00',
      data: { orgId: 'acme' },
    }),
    headers: { 'content-type': 'application/cloudevents+json' },
  },
  {
    key: 'acme',
    value: JSON.stringify({ orgId: 'acme', idId: 'z' }),
    headers: {
      ce_specversion: '1.0',
      ce_id: 'rejected-binary',
      ce_source: 'identity-platform',
      ce_type: 'IdRegistered',
      ce_time: '2025-10-12T09:30:00',
    },
  },
];

const headerText = (headers: ReadMessage['headers']): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      Buffer.isBuffer(value) ? value.toString('utf8') : String(value),
    ]),
  );

const explain = (validate: ValidateFunction) => JSON.stringify(validate.errors?.slice(0, 3));

describe('real messages of a running service match docs/asyncapi.yaml', () => {
  const asyncApi = new AsyncApi();
  const suffix = uniqueSuffix();
  const topics = {
    identity: `identity.events.${suffix}`,
    contracts: `billing.contracts.${suffix}`,
    charges: `billing.charges.${suffix}`,
    deadLetter: `billing.dead-letter.${suffix}`,
  };
  let broker: Awaited<ReturnType<typeof kafkaBrokersForTests>>;
  let kafka: Kafka;
  let service: ServiceProcess;
  let produced = 0;
  const producedTo = { identity: 0, contracts: 0 };
  const read: Record<keyof typeof topics, ReadMessage[]> = { identity: [], contracts: [], charges: [], deadLetter: [] };

  async function produce(events: readonly CloudEvent[], extra: readonly Message[] = []): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    const messages = events.map((event, index) => ({
      topic: CONTRACT_TYPES.has(event.type) ? topics.contracts : topics.identity,
      message: asMessage(event, index % 2 === 1),
    }));
    for (const role of ['identity', 'contracts'] as const) {
      const batch = messages.filter((m) => m.topic === topics[role]).map((m) => m.message);
      if (role === 'identity') batch.push(...extra);
      if (batch.length > 0) await producer.send({ topic: topics[role], messages: batch });
      producedTo[role] += batch.length;
    }
    await producer.disconnect();
    produced += events.length + extra.length;
  }

  /** Until the service's consumer group has committed everything produced. */
  async function consumed(): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          let committed = 0;
          for (const topic of [topics.identity, topics.contracts]) {
            const [offsets] = await admin.fetchOffsets({ groupId: `billing-${suffix}`, topics: [topic] });
            committed += offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
          }
          return committed >= produced;
        },
        60_000,
        () => `the service consuming ${produced} messages`,
      );
    } finally {
      await admin.disconnect();
    }
  }

  const lines = (file: string): CloudEvent[] =>
    readFileSync(join(WORKED_EXAMPLE, file), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as CloudEvent);

  beforeAll(async () => {
    broker = await kafkaBrokersForTests();
    kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.ERROR });
    service = await ServiceProcess.start({
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_GROUP_ID: `billing-${suffix}`,
      KAFKA_TOPIC_IDENTITY: topics.identity,
      KAFKA_TOPIC_CONTRACTS: topics.contracts,
      KAFKA_TOPIC_CHARGES: topics.charges,
      KAFKA_TOPIC_DEAD_LETTER: topics.deadLetter,
      BILLING_DATA_DIR: tempDir(),
    });
    const generated = [...workload({ seed: 14, organisations: 4, events: 600, duplicateShare: 0 })].map(
      (line) => JSON.parse(line) as CloudEvent,
    );
    // The worked example's first month, closed; then its late events and the workload, closed.
    await produce(lines('events-1.ndjson'), REJECTED);
    await consumed();
    await service.post(`/v1/admin/close?asOf=${encodeURIComponent('2025-11-01T01:00:00+09:00')}`);
    await produce([...lines('events-2.ndjson'), ...generated]);
    await consumed();
    const closed = await service.post<{ issued: unknown[] }>(
      `/v1/admin/close?asOf=${encodeURIComponent('2026-11-01T01:00:00+09:00')}`,
    );
    expect(closed.issued.length).toBeGreaterThan(0);
    const charges = (await (await fetch(`${service.base}/v1/charges?limit=1000`)).json()) as {
      items: unknown[];
      next: string | null;
    };
    expect(charges.next).toBeNull();
    read.identity = await readMessages(kafka, topics.identity, producedTo.identity);
    read.contracts = await readMessages(kafka, topics.contracts, producedTo.contracts);
    // Published by the outbox relay shortly after each close.
    read.charges = await readMessages(kafka, topics.charges, charges.items.length);
    read.deadLetter = await readMessages(kafka, topics.deadLetter, REJECTED.length);
  });

  afterAll(async () => {
    await service?.stop();
    await broker?.release();
  });

  it('read back every input message produced', () => {
    expect(read.identity.length + read.contracts.length).toBe(produced);
  });

  it('input: each accepted message matches the message of its type and mode on its channel; the rejected ones none', () => {
    const rejectedIds = new Set(['rejected-structured', 'rejected-binary']);
    for (const [topic, channel] of [
      [topics.identity, 'identity.events'],
      [topics.contracts, 'billing.contracts'],
    ] as const) {
      const allowed = asyncApi.messagesOf(channel);
      for (const message of read[topic === topics.identity ? 'identity' : 'contracts']) {
        const headers = headerText(message.headers);
        const binary = 'ce_type' in headers;
        const value = JSON.parse(message.value!.toString('utf8')) as CloudEvent & Record<string, unknown>;
        const type = binary ? headers.ce_type! : value.type;
        const id = binary ? headers.ce_id! : value.id;
        const name = binary ? `${type}Binary` : type;
        expect(allowed).toContain(name);
        const { key, headers: headersSchema, payload } = asyncApi.message(name);
        const matches = key(message.key?.toString('utf8')) && headersSchema(headers) && payload(value);
        if (rejectedIds.has(id)) {
          expect(matches).toBe(false);
          continue;
        }
        if (!matches)
          throw new Error(
            `${name} ${id} does not match: ${explain(key)} ${explain(headersSchema)} ${explain(payload)}`,
          );
        expect(message.key?.toString('utf8')).toBe(
          organisationOf(binary ? ({ data: value } as unknown as CloudEvent) : value),
        );
      }
    }
  });

  it('charges: every ChargeIssued and ChargeAdjusted matches its message, keyed by its organisation', () => {
    const allowed = asyncApi.messagesOf('billing.charges');
    const seen = new Set<string>();
    for (const message of read.charges) {
      const value = JSON.parse(message.value!.toString('utf8')) as {
        type: string;
        id: string;
        data: { orgId: string; kind: string };
      };
      expect(allowed).toContain(value.type);
      const { key, headers, payload } = asyncApi.message(value.type);
      const headerValues = headerText(message.headers);
      if (!(key(message.key?.toString('utf8')) && headers(headerValues) && payload(value)))
        throw new Error(
          `${value.type} ${value.id} does not match: ${explain(key)} ${explain(headers)} ${explain(payload)}`,
        );
      expect(message.key?.toString('utf8')).toBe(value.data.orgId);
      seen.add(`${value.type} ${value.data.kind}`);
    }
    // The messages covered what the document describes: both types, every kind of charge.
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'ChargeAdjusted monthly-fee',
        'ChargeIssued id-registration',
        'ChargeIssued initial-fee',
        'ChargeIssued monthly-fee',
        'ChargeIssued verification',
      ]),
    );
  });

  it('dead letters: each matches RejectedInput, with the value and key exactly as produced', () => {
    const { key, headers, payload } = asyncApi.message('RejectedInput');
    expect(read.deadLetter).toHaveLength(REJECTED.length);
    for (const message of read.deadLetter) {
      const headerValues = headerText(message.headers);
      if (!(
        key(message.key?.toString('utf8') ?? null) &&
        headers(headerValues) &&
        payload(message.value?.toString('utf8'))
      ))
        throw new Error(`a dead letter does not match: ${explain(key)} ${explain(headers)}`);
      const original = REJECTED.find((rejected) => rejected.value === message.value?.toString('utf8'));
      expect(original).toBeDefined();
      expect(message.key?.toString('utf8')).toBe(original!.key);
    }
  });
});
