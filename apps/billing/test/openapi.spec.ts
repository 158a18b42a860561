import { RunningService, startService } from './support';

interface OpenApi {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        security?: unknown[];
        requestBody?: { content: Record<string, unknown> };
        responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
      }
    >
  >;
  components: {
    schemas: Record<string, { properties?: Record<string, Record<string, unknown>>; required?: string[] }>;
    securitySchemes: Record<string, unknown>;
  };
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The OpenAPI document, generated from the controllers' DTO classes, of a real listening service. */
describe('OpenAPI document', () => {
  let service: RunningService;
  let document: OpenApi;

  beforeAll(async () => {
    service = await startService({ BILLING_API_TOKEN: 'api-token-0123456789' });
    const response = await fetch(`${service.base}/docs-json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as OpenApi;
  });

  afterAll(() => service.app.close());

  it('documents every endpoint of interfaces.md §4', () => {
    expect(document.openapi).toMatch(/^3\./);
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual([
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'GET /v1/charges',
      'GET /v1/charges/{chargeId}/explain',
      'GET /v1/dead-letters',
      'GET /v1/orgs/{orgId}/usage',
      'POST /v1/admin/close',
      'POST /v1/dead-letters/redrive',
      'POST /v1/events',
    ]);
  });

  it('declares bearer auth on /v1/ and none on the probes', () => {
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const operation of Object.values(methods)) {
        if (path.startsWith('/v1/')) {
          expect(operation.security).toEqual([{ bearer: [] }]);
          expect(operation.responses['401']?.content?.['application/problem+json']?.schema).toEqual(ref('Problem'));
        } else {
          expect(operation.security).toBeUndefined();
        }
      }
    }
  });

  it('has response and request schemas generated from the DTO classes', () => {
    const {
      paths,
      components: { schemas },
    } = document;
    expect(paths['/v1/charges']!.get!.responses['200']!.content!['application/json']!.schema).toEqual(
      ref('ChargesPage'),
    );
    expect(
      paths['/v1/charges/{chargeId}/explain']!.get!.responses['200']!.content!['application/json']!.schema,
    ).toEqual(ref('ChargeLineage'));
    expect(
      paths['/v1/charges/{chargeId}/explain']!.get!.responses['404']!.content!['application/problem+json']!.schema,
    ).toEqual(ref('Problem'));
    expect(paths['/v1/dead-letters/redrive']!.post!.requestBody!.content['application/json']).toEqual({
      schema: ref('RedriveRequest'),
    });
    expect(Object.keys(paths['/v1/events']!.post!.requestBody!.content).sort()).toEqual([
      'application/cloudevents+json',
      'application/cloudevents-batch+json',
      'application/json',
      'application/x-ndjson',
    ]);

    expect(schemas.RedriveRequest!.properties).toMatchObject({
      ids: { type: 'array', items: { type: 'string' } },
      all: { type: 'boolean' },
    });
    expect(schemas.ChargeCloudEvent!.properties!.data).toEqual(ref('Charge'));
    expect(schemas.ChargeCloudEvent!.required).toEqual([
      'specversion',
      'id',
      'source',
      'type',
      'time',
      'subject',
      'data',
    ]);
    expect(schemas.Charge!.properties!.kind).toMatchObject({ allOf: [ref('ChargeKind')] });
    expect(schemas.ChargeKind).toMatchObject({
      type: 'string',
      enum: ['initial-fee', 'initial-fee-true-up', 'id-registration', 'monthly-fee', 'verification'],
    });
    expect(schemas.Charge!.properties!.lines).toEqual({
      type: 'array',
      items: { oneOf: [ref('TierLine'), ref('CreditLine')] },
    });
    expect(schemas.ChargeLineage!.properties!.events).toEqual({
      type: 'array',
      description: expect.any(String),
      items: ref('LineageEvent'),
    });
    expect(schemas.EventResult!.properties!.status).toMatchObject({
      enum: ['accepted', 'duplicate', 'rejected', 'failed'],
    });
    expect(Object.keys(schemas.Usage!.properties!)).toEqual([
      'orgId',
      'period',
      'registrations',
      'activeAtMonthEnd',
      'verificationsCounted',
      'verificationsInternal',
    ]);
    expect(schemas.Problem!.required).toEqual(['type', 'title', 'status']);
  });

  it('refers only to schemas it defines', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (match) => match[1]!,
    );
    expect(refs.length).toBeGreaterThan(20);
    expect([...new Set(refs)].filter((name) => !(name in document.components.schemas))).toEqual([]);
  });

  it('serves Swagger UI at /docs', async () => {
    const response = await fetch(`${service.base}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('swagger-ui');
  });
});
