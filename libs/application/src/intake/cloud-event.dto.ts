import { INPUT_EVENT_TYPES, InputEventType } from '@smartme/domain';
import { NOT_A_STRING, quote } from './field-problem';
import { IsIdentifier } from './identifier.validator';
import { IsJsonObject } from './json-object.validator';
import { IsOneOf, oneOfProblem } from './one-of.validator';
import { IsRfc3339WithOffset } from './rfc3339.validator';

export const SPEC_VERSION = '1.0';

function unknownType(value: unknown): string {
  return typeof value === 'string'
    ? `unknown event type ${quote(value)}; expected one of ${INPUT_EVENT_TYPES.join(', ')}`
    : NOT_A_STRING;
}

export const eventTypeProblem = oneOfProblem(INPUT_EVENT_TYPES, unknownType);

export function isInputEventType(value: unknown): value is InputEventType {
  return eventTypeProblem(value) === null;
}

/**
 * The CloudEvents 1.0 envelope in structured mode. Binary mode (Kafka `ce_*` headers)
 * is mapped onto the same class, so both modes obey one contract. `data` is checked
 * here only for being an object: its fields depend on `type` (see the data DTOs).
 * Optional attributes a conforming producer may add (`datacontenttype`, `subject`,
 * `dataschema`, extensions) are not declared: accepted, never checked, never stored.
 */
export class CloudEventDto {
  @IsOneOf('isSpecVersion', [SPEC_VERSION])
  specversion!: string;

  @IsIdentifier()
  id!: string;

  @IsIdentifier()
  source!: string;

  @IsOneOf('isInputEventType', INPUT_EVENT_TYPES, unknownType)
  type!: InputEventType;

  @IsRfc3339WithOffset()
  time!: string;

  @IsJsonObject()
  data!: Record<string, unknown>;
}
