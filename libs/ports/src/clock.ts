/** The time, as the service reads it: a port so that tests and `close --as-of` can set it. */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };
