import { decodeStructured } from '../../src/intake';
import { CONTEXT, VALID_DATA, accepted, event, recordFor } from './fixtures';

describe('intake: unknown fields are dropped, never stored', () => {
  it('drops extra envelope fields and optional CloudEvents attributes', () => {
    const record = recordFor(
      event('IdRegistered', undefined, {
        datacontenttype: 'application/json',
        subject: 'acme',
        dataschema: 'https://example.test/schema',
        traceparent: '00-abc-def-01',
        holderName: '山田太郎',
        nested: { deep: [1, 2, { x: 'y' }] },
      }),
    );
    expect(record).toEqual({
      source: 'identity-platform',
      event: {
        id: '0f8a4f7e-6a51-4c55-9d2e-1b9f8e6b2b11',
        type: 'IdRegistered',
        time: '2025-10-12T09:30:00+09:00',
        data: VALID_DATA.IdRegistered,
      },
    });
    expect(Object.keys(record)).toEqual(['source', 'event']);
  });

  it.each(Object.keys(VALID_DATA))('drops extra %s data fields (personal data included)', (type) => {
    const record = recordFor(
      event(type, { ...VALID_DATA[type], memberName: '山田太郎', email: 'taro@example.test', extra: { a: [1] } }),
    );
    expect(record.event.data).toEqual(VALID_DATA[type]);
  });

  it('accepts optional CloudEvents attributes of any shape without checking them', () => {
    expect(recordFor(event('IdRegistered', undefined, { datacontenttype: 42, subject: null })).event.data).toEqual(
      VALID_DATA.IdRegistered,
    );
  });

  it('survives property names that break naive object copying, and drops them', () => {
    // class-transformer guesses a class from `value.constructor`: such input must give a
    // verdict, not an exception that would stop the pipeline.
    const line =
      '{"specversion":"1.0","id":"e-1","source":"s","type":"IdRegistered","time":"2025-10-12T09:30:00Z",' +
      '"constructor":{"constructor":1},"__proto__":{"isAdmin":true},"x":{"constructor":"y"},' +
      '"data":{"orgId":"acme","idId":"a","constructor":1,"__proto__":{"polluted":true},"z":{"constructor":{}}}}';
    const record = accepted(decodeStructured(line, CONTEXT));
    expect(record.event.data).toEqual({ orgId: 'acme', idId: 'a' });
    expect(JSON.stringify(record)).toBe(
      '{"source":"s","event":{"id":"e-1","type":"IdRegistered","time":"2025-10-12T09:30:00Z","data":{"orgId":"acme","idId":"a"}}}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects, without throwing, a known field holding such an object', () => {
    const line =
      '{"specversion":"1.0","id":"e-2","source":{"constructor":1},"type":"IdRegistered","time":"2025-10-12T09:30:00Z",' +
      '"data":{"orgId":{"constructor":{"name":"x"}},"idId":{"__proto__":[]}}}';
    expect(decodeStructured(line, CONTEXT)).toEqual({
      ok: false,
      reason: 'source: must be a string; data.orgId: must be a string; data.idId: must be a string',
      eventId: 'e-2',
    });
    expect(
      decodeStructured(
        '{"specversion":"1.0","id":"e-3","source":"s","type":"IdRegistered","time":"2025-10-12T09:30:00Z","data":{"constructor":1}}',
        CONTEXT,
      ),
    ).toEqual({
      ok: false,
      reason: 'data.orgId: is required; data.idId: is required',
      eventId: 'e-3',
    });
  });
});
