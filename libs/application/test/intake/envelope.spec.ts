import { decodeStructured, validateCloudEvent } from '../../src/intake';
import { CONTEXT, IDENTIFIER, TYPES_LIST, event, jsonParseMessage, reasonFor, recordFor, rejection } from './fixtures';

describe('intake: raw input', () => {
  it.each(['not json', '{"specversion": "1.0",', '', '{"a": 1} trailing'])(
    'rejects %j as not JSON with the parser message',
    (text) => {
      expect(rejection(decodeStructured(text, CONTEXT))).toEqual({
        reason: `not JSON: ${jsonParseMessage(text)}`,
        eventId: null,
      });
      expect(rejection(decodeStructured(Buffer.from(text), CONTEXT)).reason).toBe(
        `not JSON: ${jsonParseMessage(text)}`,
      );
    },
  );

  it('rejects bytes that are not UTF-8 instead of guessing characters', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"specversion": "1.0", "id": "'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    expect(rejection(decodeStructured(bytes, CONTEXT))).toEqual({
      reason: 'not JSON: input is not valid UTF-8',
      eventId: null,
    });
  });

  it.each([['[]'], ['null'], ['"IdRegistered"'], ['42'], ['true']])('rejects JSON %s that is not an object', (text) => {
    expect(rejection(decodeStructured(text, CONTEXT))).toEqual({
      reason: 'event: must be a JSON object',
      eventId: null,
    });
  });

  it('accepts the same event as a string, as bytes, with a byte order mark and a CRLF line ending', () => {
    const text = JSON.stringify(event('IdRegistered'));
    const expected = recordFor(event('IdRegistered'));
    expect(decodeStructured(text, CONTEXT)).toEqual({ ok: true, record: expected });
    expect(decodeStructured(Buffer.from(text), CONTEXT)).toEqual({ ok: true, record: expected });
    expect(decodeStructured(`\ufeff${text}\r\n`, CONTEXT)).toEqual({ ok: true, record: expected });
    expect(decodeStructured(Buffer.from(`\ufeff${text}\r\n`), CONTEXT)).toEqual({ ok: true, record: expected });
  });
});

describe('intake: specversion', () => {
  it('is required', () => {
    expect(reasonFor(event('IdRegistered', undefined, { specversion: undefined }))).toBe('specversion: is required');
  });

  it.each([['1.1'], ['0.3'], [1.0], ['1']])('must be "1.0", not %j', (specversion) => {
    expect(reasonFor(event('IdRegistered', undefined, { specversion }))).toBe('specversion: must be "1.0"');
  });
});

describe('intake: id and source', () => {
  it.each(['id', 'source'])('%s is required', (field) => {
    expect(reasonFor(event('IdRegistered', undefined, { [field]: undefined }))).toBe(`${field}: is required`);
  });

  it.each(['id', 'source'])('%s must be a string', (field) => {
    expect(reasonFor(event('IdRegistered', undefined, { [field]: 42 }))).toBe(`${field}: must be a string`);
    expect(reasonFor(event('IdRegistered', undefined, { [field]: { value: 'x' } }))).toBe(`${field}: must be a string`);
  });

  it.each([
    ['empty', ''],
    ['a newline', 'a\nb'],
    ['a tab', 'a\tb'],
    ['NUL', 'a\u0000b'],
    ['DEL', 'a\u007fb'],
    ['C1 NEL', 'a\u0085b'],
    ['C1 \\u0080', '\u0080'],
    ['C1 \\u009f', 'a\u009f'],
    ['a zero-width space', 'a\u200bb'],
    ['a bidi override', 'a\u202eb'],
    ['a line separator', 'a\u2028b'],
    ['a lone surrogate', 'a\ud800b'],
  ])('rejects an id with %s', (_label, id) => {
    expect(rejection(validateCloudEvent(event('IdRegistered', undefined, { id }), CONTEXT))).toEqual({
      reason: `id: ${IDENTIFIER}`,
      eventId: null,
    });
    expect(reasonFor(event('IdRegistered', undefined, { source: id }))).toBe(`source: ${IDENTIFIER}`);
  });

  it('accepts 128 characters and rejects 129', () => {
    expect(recordFor(event('IdRegistered', undefined, { id: 'x'.repeat(128) })).event.id).toBe('x'.repeat(128));
    expect(reasonFor(event('IdRegistered', undefined, { id: 'x'.repeat(129) }))).toBe(`id: ${IDENTIFIER}`);
    expect(recordFor(event('IdRegistered', undefined, { source: 's'.repeat(128) })).source).toBe('s'.repeat(128));
    expect(reasonFor(event('IdRegistered', undefined, { source: 's'.repeat(129) }))).toBe(`source: ${IDENTIFIER}`);
  });

  it('counts characters, not UTF-16 units: 128 kanji or 128 emoji fit, 129 do not', () => {
    expect(recordFor(event('IdRegistered', undefined, { id: '身'.repeat(128) })).event.id).toBe('身'.repeat(128));
    expect(recordFor(event('IdRegistered', undefined, { id: '😀'.repeat(128) })).event.id).toBe('😀'.repeat(128));
    expect(reasonFor(event('IdRegistered', undefined, { id: '身'.repeat(129) }))).toBe(`id: ${IDENTIFIER}`);
    expect(reasonFor(event('IdRegistered', undefined, { id: '😀'.repeat(129) }))).toBe(`id: ${IDENTIFIER}`);
  });

  it('accepts Japanese and other printable Unicode, spaces included', () => {
    const record = recordFor(
      event('IdRegistered', undefined, { id: 'イベント-０００１', source: '身分証 プラットフォーム' }),
    );
    expect(record.event.id).toBe('イベント-０００１');
    expect(record.source).toBe('身分証 プラットフォーム');
  });
});

describe('intake: type', () => {
  it('is required', () => {
    expect(reasonFor(event('IdRegistered', undefined, { type: undefined }))).toBe('type: is required');
  });

  it('must be a known event type, and names the ones expected', () => {
    expect(reasonFor(event('Foo'))).toBe(`type: unknown event type "Foo"; expected one of ${TYPES_LIST}`);
    expect(reasonFor(event('idregistered'))).toBe(
      `type: unknown event type "idregistered"; expected one of ${TYPES_LIST}`,
    );
  });

  it('must be a string', () => {
    expect(reasonFor(event('IdRegistered', undefined, { type: 7 }))).toBe('type: must be a string');
  });

  it('quotes a hostile type safely: escaped, cut short, no message-token expansion', () => {
    expect(reasonFor(event('Foo$value$property\n'))).toBe(
      `type: unknown event type "Foo\\u0024value\\u0024property\\n"; expected one of ${TYPES_LIST}`,
    );
    expect(reasonFor(event('x'.repeat(10_000)))).toBe(
      `type: unknown event type "${'x'.repeat(64)}…"; expected one of ${TYPES_LIST}`,
    );
  });
});

describe('intake: time', () => {
  const at = (time: unknown) => event('IdRegistered', undefined, { time });

  it('is required and must be a string', () => {
    expect(reasonFor(at(undefined))).toBe('time: is required');
    expect(reasonFor(at(1760229000000))).toBe('time: must be a string');
  });

  it('needs an explicit offset', () => {
    expect(reasonFor(at('2025-10-12T09:30:00'))).toBe('time: must have an explicit offset (Z or ±hh:mm)');
    expect(reasonFor(at('2025-10-12T09:30:00.123'))).toBe('time: must have an explicit offset (Z or ±hh:mm)');
  });

  it('must be a real calendar date and time of day', () => {
    expect(reasonFor(at('2025-02-30T09:30:00+09:00'))).toBe('time: 2025-02-30 is not a calendar date');
    expect(reasonFor(at('2025-02-29T00:00:00Z'))).toBe('time: 2025-02-29 is not a calendar date');
    expect(reasonFor(at('2025-10-12T24:00:00+09:00'))).toBe('time: 24:00:00 is not a time of day');
  });

  it('must be RFC 3339', () => {
    expect(reasonFor(at('12 Oct 2025 09:30 JST'))).toBe(
      'time: must be an RFC 3339 date-time with offset, e.g. 2025-10-12T09:30:00+09:00',
    );
  });

  it('is kept exactly as sent', () => {
    expect(recordFor(at('2025-10-12t00:30:00.123456789z')).event.time).toBe('2025-10-12t00:30:00.123456789z');
    expect(recordFor(at('2025-10-12T09:30:00+09:00')).event.time).toBe('2025-10-12T09:30:00+09:00');
  });

  it('may be up to the clock skew ahead of receipt: 4 minutes is accepted, 6 minutes rejected', () => {
    // CONTEXT.nowMs is 2025-11-01T00:00:00+09:00, the default skew 5 minutes.
    expect(recordFor(at('2025-11-01T00:04:00+09:00')).event.time).toBe('2025-11-01T00:04:00+09:00');
    expect(recordFor(at('2025-10-31T15:05:00Z')).event.time).toBe('2025-10-31T15:05:00Z');
    expect(rejection(validateCloudEvent(at('2025-11-01T00:06:00+09:00'), CONTEXT))).toEqual({
      reason: 'time: 2025-11-01T00:06:00+09:00 is more than 5 minutes in the future',
      eventId: '0f8a4f7e-6a51-4c55-9d2e-1b9f8e6b2b11',
    });
    expect(reasonFor(at('2025-10-31T15:05:00.001Z'))).toBe(
      'time: 2025-10-31T15:05:00.001Z is more than 5 minutes in the future',
    );
    expect(reasonFor(at('2099-01-01T00:00:00+09:00'))).toBe(
      'time: 2099-01-01T00:00:00+09:00 is more than 5 minutes in the future',
    );
  });

  it('accepts any time in the past', () => {
    expect(recordFor(at('1999-12-31T23:59:59-05:00')).event.time).toBe('1999-12-31T23:59:59-05:00');
  });

  it('words a configured skew in its natural unit', () => {
    const ahead = event('IdRegistered', undefined, { time: '2025-11-01T03:00:00+09:00' });
    const reason = (maxClockSkewMs: number) =>
      rejection(validateCloudEvent(ahead, { ...CONTEXT, maxClockSkewMs })).reason;
    expect(reason(60_000)).toBe('time: 2025-11-01T03:00:00+09:00 is more than 1 minute in the future');
    expect(reason(90_000)).toBe('time: 2025-11-01T03:00:00+09:00 is more than 90 seconds in the future');
    expect(reason(7_200_000)).toBe('time: 2025-11-01T03:00:00+09:00 is more than 2 hours in the future');
    expect(reason(1_500)).toBe('time: 2025-11-01T03:00:00+09:00 is more than 1500 ms in the future');
    expect(reason(0)).toBe('time: 2025-11-01T03:00:00+09:00 is more than 0 ms in the future');
  });
});

describe('intake: data', () => {
  it('is required', () => {
    expect(reasonFor(event('IdRegistered', undefined, { data: undefined }))).toBe('data: is required');
    expect(reasonFor(event('IdRegistered', undefined, { data: null }))).toBe('data: is required');
  });

  it.each([[[]], ['acme'], [3]])('must be a JSON object, not %j', (data) => {
    expect(reasonFor(event('IdRegistered', undefined, { data }))).toBe('data: must be a JSON object');
  });

  it('is not checked against a type that is unknown', () => {
    expect(reasonFor(event('Foo', {}))).toBe(`type: unknown event type "Foo"; expected one of ${TYPES_LIST}`);
  });
});

describe('intake: several problems and the event id of a rejection', () => {
  it('names every bad field, envelope first, joined with "; "', () => {
    const value = {
      specversion: '2.0',
      id: 'evt-1',
      source: '',
      type: 'ContractOpened',
      time: '2099-01-01T00:00:00+09:00',
      data: { orgId: 5, appliedOn: '2025-02-30', services: ['id', 'id'], declaredMembers: -1, plannedUsers: 1.5 },
    };
    expect(rejection(validateCloudEvent(value, CONTEXT))).toEqual({
      reason: [
        'specversion: must be "1.0"',
        `source: ${IDENTIFIER}`,
        'time: 2099-01-01T00:00:00+09:00 is more than 5 minutes in the future',
        'data.orgId: must be a string',
        'data.appliedOn: 2025-02-30 is not a calendar date',
        'data.openedOn: is required',
        'data.services[1]: "id" is listed twice',
        'data.declaredMembers: must be an integer ≥ 0 (at most 9007199254740991)',
        'data.plannedUsers: must be an integer ≥ 0 (at most 9007199254740991)',
      ].join('; '),
      eventId: 'evt-1',
    });
  });

  it('reports the id only when it is a valid identifier', () => {
    expect(rejection(validateCloudEvent(event('Foo', {}, { id: 'evt-2' }), CONTEXT)).eventId).toBe('evt-2');
    expect(rejection(validateCloudEvent(event('Foo', {}, { id: 17 }), CONTEXT)).eventId).toBeNull();
    expect(rejection(validateCloudEvent(event('Foo', {}, { id: 'evt\n3' }), CONTEXT)).eventId).toBeNull();
    expect(rejection(validateCloudEvent(event('Foo', {}, { id: undefined }), CONTEXT)).eventId).toBeNull();
  });
});
