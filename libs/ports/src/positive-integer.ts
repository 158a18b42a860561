/**
 * A size the caller chooses (a batch, a page, a limit, a lease): a positive safe integer,
 * else a RangeError naming the argument, so a mistake shows where it is made rather than
 * as an empty read or an endless loop later.
 */
export function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
