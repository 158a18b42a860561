import { ValidationOptions, registerDecorator } from 'class-validator';

/**
 * Every rule of the intake contract is a function telling what is wrong with a value
 * (or null when nothing is). The class-validator decorators are built from these
 * functions, so the DTOs and any other caller can never disagree about a rule or its
 * wording.
 *
 * A problem is the text after `field: ` in a reason. A problem that starts with `[`
 * names an element of the field (`[1]: must be …`) and is appended to the field's
 * path without a separator, giving `data.services[1]: must be …`.
 */
export type ProblemCheck = (value: unknown) => string | null;

export const REQUIRED = 'is required';
export const NOT_A_STRING = 'must be a string';

/**
 * JSON `null` counts as absent: many producers serialise an unset optional field as
 * `null`, and dead-lettering those would lose billable events for no benefit.
 */
export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function problemOf(check: ProblemCheck, value: unknown): string | null {
  return isAbsent(value) ? REQUIRED : check(value);
}

/** `path: problem`, or `path[i]: problem` for a problem about an element. */
export function describeProblem(path: string, problem: string): string {
  return problem.startsWith('[') ? `${path}${problem}` : `${path}: ${problem}`;
}

/**
 * Declares an input field, validated by `check`. Intake copies only declared fields onto a
 * DTO (`compileDto`'s `instantiate`), so unknown fields never even reach it. A required
 * field runs the check on an absent value too (`is required`); `@IsOptional()` in front
 * makes it optional.
 */
export function checkedBy(name: string, check: ProblemCheck, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    const property = String(propertyName);
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: property,
      options,
      validator: {
        validate: (value: unknown) => problemOf(check, value) === null,
        defaultMessage: (args) => problemOf(check, args?.value) ?? '',
      },
    });
  };
}

const MAX_ECHO_LENGTH = 64;

/**
 * A value from the input quoted for a reason. Cut short so that a hostile input cannot
 * blow up the dead-letter store through its reason, and with `$` escaped because
 * class-validator would otherwise expand `$value`, `$property`… inside the echo.
 */
export function quote(value: string): string {
  const text = value.length > MAX_ECHO_LENGTH ? `${value.slice(0, MAX_ECHO_LENGTH)}…` : value;
  return JSON.stringify(text).replace(/\$/g, '\\u0024');
}
