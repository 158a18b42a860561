import { BillingMetrics } from '@smartme/adapters/metrics';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE, RunningService, parseMetrics, startService } from './support';

const OCTOBER_END_S = Date.parse('2025-11-01T00:00:00+09:00') / 1000;
const NOVEMBER_END_S = Date.parse('2025-12-01T00:00:00+09:00') / 1000;
const YEAR_2024_END_S = Date.parse('2025-01-01T00:00:00+09:00') / 1000;

const events = (type: string, outcome: string) => `billing_events_in_total{type="${type}",outcome="${outcome}"}`;
const charges = (type: string, kind: string) => `billing_charge_events_total{type="${type}",kind="${kind}"}`;

/** GET /metrics of a real listening service: counters move by what was ingested and closed. */
describe('Prometheus metrics', () => {
  let service: RunningService;
  const call = (path: string, init: RequestInit = {}) => fetch(`${service.base}${path}`, init);
  const scrape = async () => {
    const response = await call('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; .*version=0\.0\.4/);
    return parseMetrics(await response.text());
  };
  /** How much each sample moved between two scrapes (0 for one absent from both). */
  const delta = (before: Map<string, number>, after: Map<string, number>) => (name: string) =>
    (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const post = (path: string, body: string, contentType = 'application/json') =>
    call(path, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: 'Bearer api-token-0123456789' },
      body,
    });

  beforeAll(async () => {
    service = await startService({ BILLING_API_TOKEN: 'api-token-0123456789' });
  });

  afterAll(() => service.app.close());

  it('is served without a token, and has every billing metric before anything happened', async () => {
    const text = await (await call('/metrics')).text();
    for (const name of [
      'billing_events_in_total',
      'billing_charge_events_total',
      'billing_close_duration_seconds',
      'billing_close_last_success_timestamp_seconds',
      'billing_closed_through_timestamp_seconds',
      'billing_projection_lag_events',
      'billing_outbox_backlog',
      'process_cpu_seconds_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    // Without KAFKA_BROKERS there is no consumer, hence no consumer lag.
    expect(text).not.toContain('billing_kafka_consumer_lag');
    const samples = await scrape();
    expect(samples.get('billing_projection_lag_events')).toBe(0);
    expect(samples.get('billing_outbox_backlog')).toBe(0);
  });

  it('counts events in by type and outcome, charges out by kind, and the close', async () => {
    const startedS = Date.now() / 1000;
    const before = await scrape();

    const lines = readFileSync(join(EXAMPLE, 'events-1.ndjson'), 'utf8').trim().split('\n');
    expect((await post('/v1/events', lines.join('\n'), 'application/x-ndjson')).status).toBe(200);
    const first = JSON.parse(lines[0]!) as { id: string };
    const registration = JSON.parse(lines[1]!) as { id: string; data: object };
    const batch = [
      first, // a duplicate
      { ...registration, data: { orgId: 'acme', idId: 'other' } }, // a conflict: same id, other content
      {
        specversion: '1.0',
        id: 'x-1',
        source: 's',
        type: 'IdRegistered',
        time: '2025-10-12T09:30:00',
        data: { orgId: 'acme', idId: 'i' },
      }, // invalid time
      {
        specversion: '1.0',
        id: 'x-2',
        source: 's',
        type: 'IdFrobnicated',
        time: '2025-10-12T09:30:00+09:00',
        data: {},
      }, // unknown type
    ];
    const { results } = (await (await post('/v1/events', JSON.stringify(batch))).json()) as {
      results: { status: string }[];
    };
    expect(results.map((r) => r.status)).toEqual(['duplicate', 'rejected', 'rejected', 'rejected']);
    const close = await post('/v1/admin/close?asOf=2025-11-01T01:00:00%2B09:00', '');
    expect(((await close.json()) as { issued: unknown[] }).issued).toHaveLength(3);

    const after = await scrape();
    const moved = delta(before, after);
    expect(moved(events('ContractOpened', 'accepted'))).toBe(1);
    expect(moved(events('IdRegistered', 'accepted'))).toBe(4);
    expect(moved(events('IdRevoked', 'accepted'))).toBe(2);
    expect(moved(events('CredentialVerified', 'accepted'))).toBe(8);
    expect(moved(events('ContractOpened', 'duplicate'))).toBe(1);
    expect(moved(events('IdRegistered', 'dead-lettered'))).toBe(2);
    expect(moved(events('unknown', 'dead-lettered'))).toBe(1);
    expect(moved(charges('ChargeIssued', 'initial-fee'))).toBe(1);
    expect(moved(charges('ChargeIssued', 'id-registration'))).toBe(1);
    expect(moved(charges('ChargeIssued', 'monthly-fee'))).toBe(1);
    expect(moved(charges('ChargeAdjusted', 'monthly-fee'))).toBe(0);
    expect(moved('billing_close_duration_seconds_count{outcome="success"}')).toBe(1);
    expect(moved('billing_close_duration_seconds_bucket{le="+Inf",outcome="success"}')).toBe(1);
    expect(after.get('billing_close_last_success_timestamp_seconds')).toBeGreaterThanOrEqual(Math.floor(startedS));
    expect(after.get('billing_closed_through_timestamp_seconds{period="month"}')).toBe(OCTOBER_END_S);
    expect(after.get('billing_closed_through_timestamp_seconds{period="year"}')).toBe(YEAR_2024_END_S);
    // Nothing publishes without Kafka: the three charges wait in the outbox.
    expect(after.get('billing_outbox_backlog')).toBe(3);
    expect(after.get('billing_projection_lag_events')).toBe(0);
  });

  it("counts a late event's adjustment, and no new dead letters for a failed re-drive", async () => {
    const before = await scrape();
    expect(
      (await post('/v1/events', readFileSync(join(EXAMPLE, 'events-2.ndjson'), 'utf8'), 'application/x-ndjson')).status,
    ).toBe(200);
    expect(await (await post('/v1/dead-letters/redrive', JSON.stringify({ all: true }))).json()).toEqual({
      redriven: 0,
      stillRejected: 3,
    });
    await post('/v1/admin/close?asOf=2025-12-01T02:00:00%2B09:00', '');
    const after = await scrape();
    const moved = delta(before, after);
    expect(moved(events('IdRevoked', 'accepted'))).toBe(1);
    expect(moved(events('CredentialVerified', 'accepted'))).toBe(3);
    expect(moved(events('IdRegistered', 'dead-lettered'))).toBe(0);
    expect(moved(events('unknown', 'dead-lettered'))).toBe(0);
    expect(moved(charges('ChargeAdjusted', 'monthly-fee'))).toBe(1);
    expect(moved(charges('ChargeIssued', 'monthly-fee'))).toBe(1);
    expect(moved('billing_close_duration_seconds_count{outcome="success"}')).toBe(1);
    expect(after.get('billing_closed_through_timestamp_seconds{period="month"}')).toBe(NOVEMBER_END_S);
    expect(after.get('billing_outbox_backlog')).toBe(5);
  });

  it('keeps a registry per application instance', async () => {
    const other = await startService();
    try {
      const samples = parseMetrics(await (await fetch(`${other.base}/metrics`)).text());
      expect([...samples.keys()].filter((name) => name.startsWith('billing_events_in_total'))).toEqual([]);
      expect((await scrape()).get(events('IdRegistered', 'accepted'))).toBe(4);
    } finally {
      await other.app.close();
    }
  });
});

describe('BillingMetrics gauges read on scrape', () => {
  it('exposes the consumer lag per partition and a failing gauge as unknown (NaN) without failing the scrape', async () => {
    let lag = [
      { topic: 'identity.events', partition: 0, highWatermark: '10', nextOffset: '4', lag: 6 },
      { topic: 'identity.events', partition: 1, highWatermark: '3', nextOffset: '3', lag: 0 },
    ];
    const failures: string[] = [];
    const metrics = new BillingMetrics(
      {
        projectionLag: () => Promise.reject(new Error('store down')),
        outboxBacklog: () => Promise.resolve(7),
        consumerLag: () => lag,
      },
      { processMetrics: false, onCollectError: (metric) => failures.push(metric) },
    );

    let samples = parseMetrics(await metrics.metrics());
    expect(samples.get('billing_kafka_consumer_lag{topic="identity.events",partition="0"}')).toBe(6);
    expect(samples.get('billing_kafka_consumer_lag{topic="identity.events",partition="1"}')).toBe(0);
    expect(samples.get('billing_outbox_backlog')).toBe(7);
    expect(samples.get('billing_projection_lag_events')).toBeNaN();
    expect(samples.get('billing_metrics_collect_errors_total{metric="billing_projection_lag_events"}')).toBe(1);
    expect(failures).toEqual(['billing_projection_lag_events']);

    // After a rebalance the partitions that went elsewhere are no longer exposed.
    lag = [{ topic: 'billing.contracts', partition: 0, highWatermark: '2', nextOffset: '1', lag: 1 }];
    samples = parseMetrics(await metrics.metrics());
    expect([...samples.entries()].filter(([name]) => name.startsWith('billing_kafka_consumer_lag'))).toEqual([
      ['billing_kafka_consumer_lag{topic="billing.contracts",partition="0"}', 1],
    ]);
  });
});
