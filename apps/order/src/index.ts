// The order service as a library (the embedded launcher, benchmarks, tests); main.ts runs it as a process.
export * from './order-service';
export * from './config';
export type { Order, OrderLine, ShippingAddress, StoredPaymentMethod } from './domain/order';
export { OrderStatuses, canTransition, type OrderStatus } from './domain/order-status';
export type { CheckoutHooks } from './domain/checkout.service';
export type { ChargeRequest, ChargeResult, PaymentProvider, RefundRequest } from './domain/ports';
export { SimulatedPaymentProvider, type SimulatedCharge, type SimulatedRefund } from './payments/simulated-payment-provider';
