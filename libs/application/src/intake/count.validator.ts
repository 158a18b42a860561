import { ValidationOptions } from 'class-validator';
import { checkedBy } from './field-problem';

export const COUNT_PROBLEM = `must be an integer ≥ 0 (at most ${Number.MAX_SAFE_INTEGER})`;

/**
 * Only JSON numbers: a headcount sent as "80" is a producer bug worth seeing, not
 * something to coerce. Above the safe-integer range, JSON numbers silently lose
 * precision, so a tier decision could rest on a value nobody sent.
 */
export function countProblem(value: unknown): string | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? null : COUNT_PROBLEM;
}

/** A headcount (`declaredMembers`, `plannedUsers`). */
export function IsCount(options?: ValidationOptions): PropertyDecorator {
  return checkedBy('isCount', countProblem, options);
}
