import { RawInput, splitLines } from '@smartme/application';
import { jsonArrayElements, jsonTextStart } from './json-array-elements';

/**
 * The inputs of a `POST /v1/events` body, by media type (interfaces.md §1):
 * `application/cloudevents+json` one event, `application/cloudevents-batch+json` a JSON
 * array, `application/json` one event or an array, `application/x-ndjson` one event a
 * line. Each input keeps its exact bytes, with `REQUEST#N` as its source. Null for any
 * other media type.
 */
export function eventBodyInputs(body: Buffer, contentType: string | undefined, request: string): RawInput[] | null {
  const mediaType = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  switch (mediaType) {
    case 'application/x-ndjson':
    case 'application/ndjson':
      return splitLines(body).map((line) => ({ raw: line.raw, source: `${request}#${line.lineNumber}` }));
    case 'application/cloudevents+json':
      return [{ raw: body, source: `${request}#1` }];
    case 'application/cloudevents-batch+json':
    case 'application/json': {
      // Nothing sent is no input; a single object under the batch type is what it is, one event.
      if (jsonTextStart(body) >= body.length) return [];
      const elements = jsonArrayElements(body) ?? [body];
      return elements.map((raw, i) => ({ raw, source: `${request}#${i + 1}` }));
    }
    default:
      return null;
  }
}

export const EVENT_MEDIA_TYPES = [
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
  'application/json',
  'application/x-ndjson',
] as const;
