import { ValidationOptions } from 'class-validator';
import { ProblemCheck, checkedBy, quote } from './field-problem';

export function oneOfProblem(allowed: readonly string[], mismatch: (value: unknown) => string): ProblemCheck {
  return (value) => (typeof value === 'string' && allowed.includes(value) ? null : mismatch(value));
}

/** `must be one of "a", "b"`: the wording for a small closed set of codes. */
export function listChoices(allowed: readonly string[]): string {
  return allowed.length === 1 ? `must be ${quote(allowed[0]!)}` : `must be one of ${allowed.map(quote).join(', ')}`;
}

/** A closed set of string codes (`reason`, `specversion`, `type`). */
export function IsOneOf(
  name: string,
  allowed: readonly string[],
  mismatch: (value: unknown) => string = () => listChoices(allowed),
  options?: ValidationOptions,
): PropertyDecorator {
  return checkedBy(name, oneOfProblem(allowed, mismatch), options);
}
