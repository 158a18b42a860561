/**
 * The lock held by whatever issues charges or rebuilds the projections (the close,
 * recompute, replay): one of them at a time across every process sharing the store, so
 * each charge is decided on projections nobody else is changing.
 */
export const CLOSE_LOCK = 'close';
