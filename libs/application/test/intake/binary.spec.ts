import { decodeBinary } from '../../src/intake';
import { CONTEXT, IDENTIFIER, TYPES_LIST, accepted, rejection } from './fixtures';

const HEADERS = {
  ce_specversion: Buffer.from('1.0'),
  ce_id: Buffer.from('86555420-395c-55eb-9cb6-7c5779c90b2b'),
  ce_source: Buffer.from('identity-platform'),
  ce_type: Buffer.from('IdRegistered'),
  ce_time: Buffer.from('2025-10-10T09:00:00+09:00'),
};
const VALUE = Buffer.from('{"orgId": "acme", "idId": "a"}');
const RECORD = {
  source: 'identity-platform',
  event: {
    id: '86555420-395c-55eb-9cb6-7c5779c90b2b',
    type: 'IdRegistered',
    time: '2025-10-10T09:00:00+09:00',
    data: { orgId: 'acme', idId: 'a' },
  },
};

describe('intake: Kafka binary mode', () => {
  it('maps ce_* headers and the JSON value onto the same record as structured mode', () => {
    expect(accepted(decodeBinary(HEADERS, VALUE, CONTEXT))).toEqual(RECORD);
  });

  it('takes string headers too, and ignores other headers, optional attributes and unknown data fields', () => {
    const headers = {
      ce_specversion: '1.0',
      ce_id: '86555420-395c-55eb-9cb6-7c5779c90b2b',
      ce_source: 'identity-platform',
      ce_type: 'IdRegistered',
      ce_time: '2025-10-10T09:00:00+09:00',
      ce_subject: 'acme',
      'content-type': 'application/json',
      traceparent: undefined,
    };
    expect(accepted(decodeBinary(headers, Buffer.from('{"orgId":"acme","idId":"a","name":"山田"}'), CONTEXT))).toEqual(
      RECORD,
    );
  });

  it('decodes UTF-8 header values (Japanese identifiers)', () => {
    const record = accepted(
      decodeBinary(
        { ...HEADERS, ce_source: Buffer.from('身分証基盤') },
        Buffer.from('{"orgId":"組織","idId":"会員1"}'),
        CONTEXT,
      ),
    );
    expect(record.source).toBe('身分証基盤');
    expect(record.event.data).toEqual({ orgId: '組織', idId: '会員1' });
  });

  it('names fields with their CloudEvents names, not the header names', () => {
    const { ce_type: _type, ...withoutType } = HEADERS;
    expect(rejection(decodeBinary(withoutType, VALUE, CONTEXT))).toEqual({
      reason: 'type: is required',
      eventId: '86555420-395c-55eb-9cb6-7c5779c90b2b',
    });
    expect(rejection(decodeBinary({ ...HEADERS, ce_id: Buffer.from('a\nb') }, VALUE, CONTEXT))).toEqual({
      reason: `id: ${IDENTIFIER}`,
      eventId: null,
    });
    expect(rejection(decodeBinary({ ...HEADERS, ce_specversion: '0.3', ce_type: 'Foo' }, VALUE, CONTEXT)).reason).toBe(
      `specversion: must be "1.0"; type: unknown event type "Foo"; expected one of ${TYPES_LIST}`,
    );
    expect(rejection(decodeBinary({ ...HEADERS, ce_time: '2025-10-10T09:00:00' }, VALUE, CONTEXT)).reason).toBe(
      'time: must have an explicit offset (Z or ±hh:mm)',
    );
    expect(rejection(decodeBinary({ ...HEADERS, ce_time: '2099-01-01T00:00:00+09:00' }, VALUE, CONTEXT)).reason).toBe(
      'time: 2099-01-01T00:00:00+09:00 is more than 5 minutes in the future',
    );
  });

  it('checks the value as data', () => {
    expect(rejection(decodeBinary(HEADERS, Buffer.from('{"orgId":"acme"}'), CONTEXT)).reason).toBe(
      'data.idId: is required',
    );
    expect(rejection(decodeBinary(HEADERS, Buffer.from('["acme"]'), CONTEXT)).reason).toBe(
      'data: must be a JSON object',
    );
    expect(rejection(decodeBinary(HEADERS, null, CONTEXT)).reason).toBe('data: is required');
    let message = '';
    try {
      JSON.parse('{orgId');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(rejection(decodeBinary(HEADERS, Buffer.from('{orgId'), CONTEXT)).reason).toBe(`data: not JSON: ${message}`);
  });

  it('rejects header values and values that are not UTF-8, once per field', () => {
    const bad = Buffer.from([0x61, 0xff]);
    expect(rejection(decodeBinary({ ...HEADERS, ce_source: bad }, VALUE, CONTEXT))).toEqual({
      reason: 'source: is not valid UTF-8',
      eventId: '86555420-395c-55eb-9cb6-7c5779c90b2b',
    });
    expect(rejection(decodeBinary({ ...HEADERS, ce_id: bad }, bad, CONTEXT))).toEqual({
      reason: 'id: is not valid UTF-8; data: not JSON: input is not valid UTF-8',
      eventId: null,
    });
  });

  it('accepts header names in any case', () => {
    expect(
      accepted(
        decodeBinary(
          {
            CE_SPECVERSION: '1.0',
            Ce_Id: HEADERS.ce_id,
            ce_source: HEADERS.ce_source,
            ce_type: 'IdRegistered',
            ce_time: HEADERS.ce_time,
          },
          VALUE,
          CONTEXT,
        ),
      ),
    ).toEqual(RECORD);
  });
});
