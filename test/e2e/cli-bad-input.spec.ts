import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKED_EXAMPLE, billing, ndjson, tempDir } from '../support/cli';

const valid = (
  id: string,
  data: Record<string, unknown> = { orgId: 'acme', idId: 'm-1' },
  extra: Record<string, unknown> = {},
) =>
  JSON.stringify({
    specversion: '1.0',
    id,
    source: 'identity-platform',
    type: 'IdRegistered',
    time: '2025-10-12T09:30:00+09:00',
    data,
    ...extra,
  });

/** Each bad input of the issue, with the field its reason must name. */
const BAD_LINES: readonly [string, string, string][] = [
  ['not JSON', '{"specversion": "1.0", "id": ', 'not JSON'],
  [
    'missing specversion',
    JSON.stringify({
      id: 'b-1',
      source: 's',
      type: 'IdRegistered',
      time: '2025-10-12T09:30:00+09:00',
      data: { orgId: 'o', idId: 'i' },
    }),
    'specversion',
  ],
  ['unknown type', valid('b-2', undefined, { type: 'IdExploded' }), 'type'],
  ['time without offset', valid('b-3', undefined, { time: '2025-10-12T09:30:00' }), 'time'],
  ['impossible date', valid('b-4', undefined, { time: '2025-02-30T09:30:00+09:00' }), 'time'],
  ['time beyond the clock skew', valid('b-5', undefined, { time: '2099-01-01T00:00:00+09:00' }), 'time'],
  ['missing identifier', valid('b-6', { orgId: 'acme' }), 'data.idId'],
  ['non-string identifier', valid('b-7', { orgId: 42, idId: 'm-1' }), 'data.orgId'],
  ['identifier over 128 characters', valid('b-8', { orgId: 'acme', idId: 'x'.repeat(129) }), 'data.idId'],
  ['identifier with a control character', valid('b-9', { orgId: 'ac\u0007me', idId: 'm-1' }), 'data.orgId'],
  ['conflicting duplicate id', valid('good-1', { orgId: 'acme', idId: 'someone-else' }), 'id'],
];

describe('CLI: bad input', () => {
  const data = tempDir();
  const file = join(tempDir(), 'bad.ndjson');
  const store = ['--data', data, '--tariff', join(WORKED_EXAMPLE, 'tariff.json')];
  const lines = [
    valid('good-1'),
    ...BAD_LINES.map(([, line]) => line),
    valid('good-2', { orgId: 'acme', idId: 'm-2' }),
    valid('good-1'),
  ];

  beforeAll(() => writeFileSync(file, `${lines.join('\n')}\n`));

  it('keeps going past every bad line and counts lines', async () => {
    const result = await billing(['ingest', file, ...store]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ accepted: 2, duplicates: 1, rejected: BAD_LINES.length });
  });

  it('dead-letters each bad line exactly as received, with its file and line and a reason naming the field', async () => {
    const result = await billing(['dead-letters', '--format', 'ndjson', ...store]);
    const letters = ndjson<{ id: string; receivedAt: string; source: string; reason: string; raw: string }>(
      result.stdout,
    );
    expect(letters).toHaveLength(BAD_LINES.length);
    BAD_LINES.forEach(([what, line, field], i) => {
      const letter = letters.find((l) => l.source === `${file}:${i + 2}`);
      expect({ what, raw: letter?.raw }).toEqual({ what, raw: line });
      expect({ what, reason: letter?.reason.startsWith(field) }).toEqual({ what, reason: true });
    });
  });

  it('lets the first of two conflicting events stand', async () => {
    const usage = await billing(['usage', '--org', 'acme', '--period', '2025-10', '--format', 'ndjson', ...store]);
    expect(JSON.parse(usage.stdout)).toMatchObject({ registrations: 2 });
  });

  it('does not dead-letter the same line twice when the file is ingested again', async () => {
    const again = await billing(['ingest', file, ...store]);
    expect(JSON.parse(again.stdout)).toEqual({ accepted: 0, duplicates: 3, rejected: BAD_LINES.length });
    expect(ndjson((await billing(['dead-letters', '--format', 'ndjson', ...store])).stdout)).toHaveLength(
      BAD_LINES.length,
    );
  });

  it('re-drives a dead letter once its cause is gone, and keeps the others', async () => {
    const letters = ndjson<{ id: string; source: string }>(
      (await billing(['dead-letters', '--format', 'ndjson', ...store])).stdout,
    );
    const future = letters.find((l) => l.source.endsWith(':7'))!;
    const result = await billing(['redrive', '--id', future.id, ...store], { env: { BILLING_MAX_CLOCK_SKEW: '100y' } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ redriven: 1, stillRejected: 0 });
    const all = await billing(['redrive', '--all', ...store]);
    expect(JSON.parse(all.stdout)).toEqual({ redriven: 0, stillRejected: BAD_LINES.length - 1 });
    expect(ndjson((await billing(['dead-letters', '--format', 'ndjson', ...store])).stdout)).toHaveLength(
      BAD_LINES.length - 1,
    );
  });
});

describe('CLI: usage and configuration errors', () => {
  it('exits 2 with one line for an unknown command', async () => {
    const result = await billing(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining("unknown command 'frobnicate'")]);
  });

  it('exits 2 with one line for a missing tariff file', async () => {
    const result = await billing(['charges', '--data', tempDir(), '--tariff', '/nonexistent/tariff.json']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual(['billing: tariff file /nonexistent/tariff.json: not found']);
  });

  it('exits 2 naming the field of a malformed tariff file', async () => {
    const tariff = join(tempDir(), 'tariff.json');
    writeFileSync(
      tariff,
      JSON.stringify({
        versions: [{ id: 'x', effectiveFrom: '2025-10-01', initialFee: { tiers: [{ upTo: null, amount: -1 }] } }],
        terms: [],
      }),
    );
    const result = await billing(['charges', '--data', tempDir(), '--tariff', tariff]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('versions[0].initialFee.tiers[0].amount: must not be negative');
    expect(result.stderr).not.toContain('    at ');
  });

  it('exits 2 for a malformed --as-of', async () => {
    const result = await billing(['close', '--as-of', '2025-13-01', '--data', tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--as-of');
  });
});
