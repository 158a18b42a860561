/** Runs work while holding a named lock that other processes sharing the store respect. */
export interface ExclusiveLock {
  runExclusive<T>(name: string, work: () => Promise<T>): Promise<T>;
}
