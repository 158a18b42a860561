/** Injection tokens of the application's composition. */
export const BILLING_RUNTIME = Symbol('BillingRuntime');
export const SERVICE_CONFIG = Symbol('ServiceConfig');
export const MESSAGING = Symbol('Messaging');
