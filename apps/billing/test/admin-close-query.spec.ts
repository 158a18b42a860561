/**
 * `POST /v1/admin/close?asOf=…` with the instant typed as written: the query decodes its `+`
 * as a space, which the service reads back as the `+` it was (and only there).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { instantFromQuery } from '../src/http/query-instant';
import { EXAMPLE, RunningService, startService } from './support';

describe('instantFromQuery', () => {
  it('reads a space where the offset sign belongs as the + a query decoded', () => {
    expect(instantFromQuery('2025-11-01T01:00:00 09:00')).toBe('2025-11-01T01:00:00+09:00');
    expect(instantFromQuery('2025-11-01t01:00:00.123456 09:00')).toBe('2025-11-01t01:00:00.123456+09:00');
  });

  it('leaves every other text as it came', () => {
    for (const text of [
      '2025-11-01T01:00:00+09:00',
      '2025-11-01T01:00:00-05:00',
      '2025-11-01T01:00:00Z',
      '2025-11-01 01:00:00 09:00',
      '2025-11-01T01:00:00  09:00',
      '2025-11-01T01:00:00 0900',
      '2025-11-01T01:00 09:00',
      ' 2025-11-01T01:00:00 09:00',
      'yesterday',
      '',
    ])
      expect(instantFromQuery(text)).toBe(text);
  });
});

describe('POST /v1/admin/close?asOf=', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(() => service.app.close());

  const close = (query: string) => fetch(`${service.base}/v1/admin/close?asOf=${query}`, { method: 'POST' });

  it('takes the instant typed as written, its + unencoded, as the instant it is', async () => {
    const ingest = await fetch(`${service.base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: readFileSync(join(EXAMPLE, 'events-1.ndjson')),
    });
    expect(ingest.status).toBe(200);
    const issued = async (query: string) => {
      const response = await close(query);
      expect(response.status).toBe(200);
      return ((await response.json()) as { issued: unknown[] }).issued.length;
    };
    // October is due at 01:00 JST on 1 November: not yet at 00:30+09:00 (it would be at 00:30Z).
    expect(await issued('2025-11-01T00:30:00+09:00')).toBe(0);
    expect(await issued('2025-11-01T01:00:00+09:00')).toBe(3);
    // The same instant encoded: nothing more to issue.
    expect(await issued('2025-11-01T01:00:00%2B09:00')).toBe(0);
  });

  it('still refuses an instant without offset, naming asOf', async () => {
    const response = await close('2025-11-01T01:00:00');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ field: 'asOf', detail: expect.stringMatching(/offset/) });
  });
});
