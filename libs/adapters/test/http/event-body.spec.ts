import fc from 'fast-check';
import { eventBodyInputs } from '../../src/http/event-body';
import { jsonArrayElements } from '../../src/http/json-array-elements';

const texts = (elements: Buffer[] | null) => elements?.map((element) => element.toString());

describe('jsonArrayElements', () => {
  it('gives each element of an array as its exact bytes', () => {
    const body = Buffer.from('[ {"a": [1, "],\\"["]} ,\n"x",  [ [ ] ], 42 ,{"s":"日本語"}]');
    expect(texts(jsonArrayElements(body))).toEqual(['{"a": [1, "],\\"["]}', '"x"', '[ [ ] ]', '42', '{"s":"日本語"}']);
  });

  it('splits what JSON.stringify writes back into what it wrote, for any array of JSON values', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 8 }), (values) => {
        const body = Buffer.from(JSON.stringify(values));
        expect(texts(jsonArrayElements(body))).toEqual(values.map((value) => JSON.stringify(value)));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps the elements before a cut, and the cut one as it is', () => {
    expect(texts(jsonArrayElements(Buffer.from('[{"a":1}, {"oops"')))).toEqual(['{"a":1}', '{"oops"']);
    expect(texts(jsonArrayElements(Buffer.from('[1,')))).toEqual(['1']);
    expect(texts(jsonArrayElements(Buffer.from('[1,]')))).toEqual(['1', '']);
  });

  it('makes anything after the closing bracket one more element, and an empty array none', () => {
    expect(texts(jsonArrayElements(Buffer.from('[1] trailing')))).toEqual(['1', 'trailing']);
    expect(texts(jsonArrayElements(Buffer.from('\ufeff [ ] ')))).toEqual([]);
  });

  it('is null for a body that is not an array, and never recurses however deep the nesting', () => {
    expect(jsonArrayElements(Buffer.from('{"a":1}'))).toBeNull();
    expect(jsonArrayElements(Buffer.from('\ufeff\ufeff[1]'))).toBeNull();
    const deep = `[${'['.repeat(200_000)}${']'.repeat(200_000)}, 2]`;
    expect(jsonArrayElements(Buffer.from(deep))?.map((e) => e.length)).toEqual([400_000, 1]);
  });

  it('splits any bytes after a bracket, without throwing, into ordered slices of the body that do not overlap', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const body = Buffer.concat([Buffer.from('['), Buffer.from(bytes)]);
        let end = body.byteOffset + 1;
        for (const element of jsonArrayElements(body)!) {
          expect(element.buffer).toBe(body.buffer);
          expect(element.byteOffset).toBeGreaterThanOrEqual(end);
          end = element.byteOffset + element.length;
          expect(end).toBeLessThanOrEqual(body.byteOffset + body.length);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('eventBodyInputs', () => {
  const request = 'http:r';

  it('reads one event, an array, or NDJSON by media type, with sources REQUEST#N', () => {
    const event = '{"id":"e"}';
    expect(eventBodyInputs(Buffer.from(event), 'application/cloudevents+json; charset=utf-8', request)).toEqual([
      { raw: Buffer.from(event), source: 'http:r#1' },
    ]);
    for (const type of ['application/cloudevents-batch+json', 'application/json', 'Application/JSON']) {
      expect(eventBodyInputs(Buffer.from(`[${event},${event}]`), type, request)?.map((i) => i.source)).toEqual([
        'http:r#1',
        'http:r#2',
      ]);
      expect(eventBodyInputs(Buffer.from(event), type, request)?.map((i) => i.raw.toString())).toEqual([event]);
    }
    expect(eventBodyInputs(Buffer.from(`${event}\n\n${event}\n`), 'application/x-ndjson', request)).toEqual([
      { raw: Buffer.from(event), source: 'http:r#1' },
      { raw: Buffer.from(event), source: 'http:r#3' },
    ]);
  });

  it('takes an empty body as no input, and a body that is not JSON as one input', () => {
    expect(eventBodyInputs(Buffer.from('  \n'), 'application/json', request)).toEqual([]);
    expect(eventBodyInputs(Buffer.from('\u0000garbage'), 'application/json', request)).toEqual([
      { raw: Buffer.from('\u0000garbage'), source: 'http:r#1' },
    ]);
  });

  it('is null for a media type it does not read', () => {
    for (const type of [undefined, '', 'text/plain', 'application/xml', 'application/cloudevents+avro']) {
      expect(eventBodyInputs(Buffer.from('{}'), type, request)).toBeNull();
    }
  });
});
