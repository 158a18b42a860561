import { ValidationOptions } from 'class-validator';
import { checkedBy } from './field-problem';

export const JSON_OBJECT_PROBLEM = 'must be a JSON object';

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonObjectProblem(value: unknown): string | null {
  return isJsonObject(value) ? null : JSON_OBJECT_PROBLEM;
}

/** A JSON object (not an array, not null). */
export function IsJsonObject(options?: ValidationOptions): PropertyDecorator {
  return checkedBy('isJsonObject', jsonObjectProblem, options);
}
