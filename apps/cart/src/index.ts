// The cart service as a library (the embedded launcher, tests); main.ts runs it as a process.
export * from './composition';
export * from './config';
// The API's shapes are the contract's; re-exported under the names this entry has always had.
export type { CartView, CartLine as CartLineView, CartAvailabilityIssue as AvailabilityIssue } from '@shop/contracts';
export { orderConfirmedHandler } from './events/subscriptions';
