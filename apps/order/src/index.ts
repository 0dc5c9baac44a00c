// The order service as a library (the embedded launcher, benchmarks, tests); main.ts runs it as a process.
export * from './composition';
export * from './config';
export type { Order, OrderLine, ShippingAddress, StoredPaymentMethod } from './domain/order';
export { OrderStatuses, canTransition, type OrderStatus } from './domain/order-status';
export type { CheckoutHooks } from './domain/checkout.service';
export type { CheckoutOutcome } from './domain/checkout-outcome';
export type { ChargeRequest, ChargeResult, Clock, PaymentProvider, RefundRequest } from './domain/ports';
export { SimulatedPaymentProvider, type SimulatedCharge, type SimulatedRefund } from './clients/simulated-payment-provider';
