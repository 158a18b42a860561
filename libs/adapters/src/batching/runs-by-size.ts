export interface RunLimits<T> {
  /** Bytes a run may carry; an item larger than that makes a run of its own. */
  readonly maxBytes: number;
  readonly sizeOf: (item: T) => number;
  /** Whether `item` must begin a new run after `run` (non-empty), whatever their size. */
  readonly startsRun?: (run: readonly T[], item: T) => boolean;
}

/**
 * Items in order, cut into consecutive runs that a peer accepts in one request: brokers and
 * databases refuse a request past a size, and a request refused for its size is refused for
 * ever, however often it is retried.
 */
export function runsBySize<T>(items: readonly T[], { maxBytes, sizeOf, startsRun }: RunLimits<T>): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (run.length > 0 && (bytes + size > maxBytes || startsRun?.(run, item) === true)) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(item);
    bytes += size;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
