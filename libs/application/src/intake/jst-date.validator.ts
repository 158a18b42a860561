import { InvalidDateError, parseJstDate } from '@smartme/domain';
import { ValidationOptions } from 'class-validator';
import { NOT_A_STRING, checkedBy } from './field-problem';

/** The domain's parser decides, so a date accepted here is one the rules can use. */
export function jstDateProblem(value: unknown): string | null {
  if (typeof value !== 'string') return NOT_A_STRING;
  try {
    parseJstDate(value);
    return null;
  } catch (error) {
    if (error instanceof InvalidDateError) return error.message;
    throw error;
  }
}

/** A calendar date `YYYY-MM-DD` in JST (`appliedOn`, `openedOn`, `changedOn`, `closedOn`). */
export function IsJstDate(options?: ValidationOptions): PropertyDecorator {
  return checkedBy('isJstDate', jstDateProblem, options);
}
