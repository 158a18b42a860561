import { INestApplication } from '@nestjs/common';
import { mkdtempSync, readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceConfigFromEnv } from '../src/config/service-config';
import { createService } from '../src/main';

const EXAMPLE = join(__dirname, '../../../test/fixtures/worked-example');
const API = 'api-token-0123456789';
const ADMIN = 'admin-token-0123456789';

/** The HTTP API (interfaces.md §4) of a real listening service on the embedded store. */
describe('HTTP API', () => {
  let app: INestApplication;
  let base: string;
  const call = (path: string, init: RequestInit & { token?: string | null } = {}) => {
    const { token = API, ...rest } = init;
    return fetch(`${base}${path}`, {
      ...rest,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(rest.headers as Record<string, string>) },
    });
  };

  beforeAll(async () => {
    const config = serviceConfigFromEnv({
      BILLING_DATA_DIR: mkdtempSync(join(tmpdir(), 'http-')),
      BILLING_TARIFF: join(EXAMPLE, 'tariff.json'),
      BILLING_API_TOKEN: API,
      BILLING_ADMIN_TOKEN: ADMIN,
      SCHEDULER_INTERVAL: '0',
      LOG_LEVEL: 'silent',
      BODY_LIMIT: '64kb',
    });
    app = await createService(config);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(() => app.close());

  it('refuses /v1/ without the bearer token, or with a wrong one, as a problem document', async () => {
    for (const token of [null, 'wrong-token-000000000']) {
      const response = await call('/v1/charges', { token });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 401, title: 'unauthorized', field: 'Authorization' });
    }
  });

  it('keeps admin endpoints for the admin token', async () => {
    expect((await call('/v1/admin/close?asOf=2025-11-01T01:00:00%2B09:00', { method: 'POST' })).status).toBe(401);
  });

  it('ingests NDJSON with a result per event', async () => {
    const response = await call('/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: readFileSync(join(EXAMPLE, 'events-1.ndjson')),
    });
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: { status: string }[] };
    expect(results).toHaveLength(15);
    expect(results.every((r) => r.status === 'accepted')).toBe(true);
  });

  it('ingests a JSON array, reporting duplicates and invalid events, which it dead-letters', async () => {
    const [first] = readFileSync(join(EXAMPLE, 'events-1.ndjson'), 'utf8').split('\n');
    const body = JSON.stringify([
      JSON.parse(first!),
      {
        specversion: '1.0',
        id: 'x-1',
        source: 's',
        type: 'IdRegistered',
        time: '2025-10-12T09:30:00',
        data: { orgId: 'o', idId: 'i' },
      },
    ]);
    const response = await call('/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(await response.json()).toEqual({
      results: [
        { index: 0, status: 'duplicate', id: 'a96461d7-6983-59fd-813f-28afb6f1a612' },
        { index: 1, status: 'rejected', id: 'x-1', reason: 'time: must have an explicit offset (Z or ±hh:mm)' },
      ],
    });
    const letters = (await (await call('/v1/dead-letters')).json()) as { reason: string; source: string }[];
    expect(letters).toEqual([
      expect.objectContaining({
        reason: 'time: must have an explicit offset (Z or ±hh:mm)',
        source: expect.stringMatching(/^http:.+#2$/),
      }),
    ]);
  });

  it('answers a body cut short with a result per event: the whole ones ingested, the broken one dead-lettered', async () => {
    const [, second] = readFileSync(join(EXAMPLE, 'events-1.ndjson'), 'utf8').split('\n');
    const response = await call('/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `[${second}, {"oops"`,
    });
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: { index: number; status: string; reason?: string }[] };
    expect(results).toEqual([
      expect.objectContaining({ index: 0, status: 'duplicate' }),
      expect.objectContaining({ index: 1, status: 'rejected', reason: expect.stringMatching(/^not JSON: /) }),
    ]);
    const letters = (await (await call('/v1/dead-letters')).json()) as { raw: string; rawBase64: string }[];
    expect(letters.map((letter) => letter.raw)).toContain('{"oops"');
    expect(letters.find((letter) => letter.raw === '{"oops"')).toMatchObject({
      rawBase64: Buffer.from('{"oops"').toString('base64'),
      key: null,
      headers: null,
    });
  });

  it('refuses a media type it does not read, naming the header', async () => {
    const response = await call('/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ status: 415, field: 'content-type' });
  });

  it('refuses a body over the limit', async () => {
    const response = await call('/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: 'x'.repeat(70 * 1024),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ status: 413 });
  });

  it('closes as of an instant with the admin token, then pages through the charges', async () => {
    const close = await call('/v1/admin/close?asOf=2025-11-01T01:00:00%2B09:00', { method: 'POST', token: ADMIN });
    expect(close.status).toBe(200);
    expect(((await close.json()) as { issued: unknown[] }).issued).toHaveLength(3);

    const first = (await (await call('/v1/charges?orgId=acme&period=2025-10&limit=2')).json()) as {
      items: { data: { kind: string } }[];
      next: string;
    };
    expect(first.items.map((c) => c.data.kind)).toEqual(['initial-fee', 'id-registration']);
    const second = (await (await call(`/v1/charges?orgId=acme&period=2025-10&limit=2&after=${first.next}`)).json()) as {
      items: { data: { kind: string } }[];
      next: string | null;
    };
    expect(second).toMatchObject({ items: [{ data: { kind: 'monthly-fee' } }], next: null });
    expect(await (await call('/v1/charges?kind=monthly-fee')).json()).toMatchObject({
      items: [{ data: { kind: 'monthly-fee', period: '2025-10' } }],
    });
    expect(await (await call('/v1/charges?kind=monthly')).json()).toMatchObject({ status: 400, field: 'kind' });
  });

  it('serves the usage of a period, and names a bad query field', async () => {
    expect(await (await call('/v1/orgs/acme/usage?period=2025-10')).json()).toEqual({
      orgId: 'acme',
      period: '2025-10',
      registrations: 3,
      activeAtMonthEnd: 2,
    });
    expect(await (await call('/v1/orgs/acme/usage?period=October')).json()).toMatchObject({
      status: 400,
      field: 'period',
    });
    expect(await (await call('/v1/admin/close?asOf=yesterday', { method: 'POST', token: ADMIN })).json()).toMatchObject(
      { status: 400, field: 'asOf' },
    );
  });

  it('re-drives dead letters on request', async () => {
    const response = await call('/v1/dead-letters/redrive', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ all: true }),
    });
    // The event without an offset and the element cut short (tests above) are still invalid.
    expect(await response.json()).toEqual({ redriven: 0, stillRejected: 2 });
  });

  it('validates the re-drive request, answering a problem document naming the field', async () => {
    const redrive = async (body: string) => {
      const response = await call('/v1/dead-letters/redrive', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      return response.json();
    };
    const problem = { type: 'about:blank', title: 'invalid body', status: 400 };
    expect(await redrive('{}')).toEqual({
      ...problem,
      detail: 'give "ids": [dead letter ids] or "all": true',
      field: 'ids',
    });
    expect(await redrive('{"ids":[]}')).toEqual({
      ...problem,
      detail: 'give "ids": [dead letter ids] or "all": true',
      field: 'ids',
    });
    expect(await redrive('{"ids":["a",7]}')).toEqual({
      ...problem,
      detail: 'ids: each must be a string',
      field: 'ids',
    });
    expect(await redrive('{"all":"yes"}')).toEqual({
      ...problem,
      detail: 'give "ids": [dead letter ids] or "all": true; all: must be a boolean',
      field: 'ids',
    });
    expect(await redrive('{"all":true,"force":true}')).toEqual({
      ...problem,
      detail: 'property force should not exist',
      field: 'force',
    });
    expect(await redrive('{"ids":')).toEqual({
      type: 'about:blank',
      title: 'malformed body',
      status: 400,
      detail: expect.stringMatching(/^not JSON: /),
      field: 'body',
    });
  });
});
