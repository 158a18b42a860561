export * from './billing-metrics';
