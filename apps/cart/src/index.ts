// The cart service as a library (the embedded launcher, tests); main.ts runs it as a process.
export * from './cart-service';
export * from './config';
export type { CartView, CartLineView, AvailabilityIssue } from './domain/cart-view';
export { orderConfirmedHandler } from './events/subscriptions';
