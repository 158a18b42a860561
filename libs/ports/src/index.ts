export * from './clock';
export * from './event-store';
export * from './dead-letters';
export * from './projections';
export * from './charge-outbox';
export * from './message-bus';
export * from './store-probe';
