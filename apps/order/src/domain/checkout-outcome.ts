import type { OrderOutOfStockLine } from '@shop/contracts';
import type { Order } from './order';
import type { OrderStatus } from './order-status';

/**
 * What the checkout of an order ended in, in the domain's terms. The checkout never decides how it is told: the
 * order route alone turns each kind into a status, a Location and a problem document. Every kind but `unavailable`
 * is final for its idempotency key, stored and replayed to every retry with the same key and body.
 */
export type CheckoutOutcome =
  /** Paid and the stock sold (also: the order had gone through already, and may be shipped by now). */
  | { kind: 'confirmed'; order: Order }
  /** The order exists and its payment outcome is not known yet (a timeout, an interruption): the recovery finishes it. */
  | { kind: 'processing'; orderId: string }
  /**
   * The cart was no longer at the version the order was priced from when the order came to take it (the shopper
   * changed it, or a concurrent checkout took it): the order is cancelled before anything was reserved or charged.
   */
  | { kind: 'cart_changed'; orderId: string }
  /** The catalog has fewer units than asked for: the order is cancelled. */
  | { kind: 'out_of_stock'; orderId: string; lines: OrderOutOfStockLine[] }
  /** Some products cannot be ordered (no longer sold): the order is cancelled. */
  | { kind: 'products_unavailable'; orderId: string; productIds: string[] }
  /** The reservation priced the products in different currencies: the stock is released and the order cancelled. */
  | { kind: 'mixed_currencies'; orderId: string }
  /** The payment was declined: the order is payment_failed and its stock released. */
  | { kind: 'payment_declined'; orderId: string; reason: string | null }
  /** Paid, but the reservation expired before the commit: the payment is refunded and the order cancelled. */
  | { kind: 'reservation_expired'; orderId: string }
  /** The checkout stopped before any payment (a crash, a failed reservation): cancelled, the stock released, nothing charged. */
  | { kind: 'interrupted'; orderId: string }
  /** Someone else (the customer, another replica) moved the order to `status` while the payment ran: the payment is refunded. */
  | { kind: 'cancelled_while_paying'; orderId: string; status: OrderStatus }
  /** The order had left the checkout already, in `status`, when this checkout came to settle it. */
  | { kind: 'left_checkout'; orderId: string; status: OrderStatus; reason: string | null }
  /**
   * The cart could not be taken or the stock reserved right now (`dependency` did not answer): the order is cancelled
   * and the cart given back, and a retry with the same key starts over.
   */
  | { kind: 'unavailable'; orderId: string; retryAfterSeconds: number; dependency: 'cart' | 'stock' };

/** The outcomes an idempotency key keeps: all but `unavailable`, whose key is forgotten so that a retry starts over. */
export type StoredCheckoutOutcome = Exclude<CheckoutOutcome, { kind: 'unavailable' }>;

/** Whether an outcome is kept for its key (else the key is forgotten). */
export function isStoredOutcome(outcome: CheckoutOutcome): outcome is StoredCheckoutOutcome {
  return outcome.kind !== 'unavailable';
}

/** The id of the order an outcome is about. */
export function orderIdOf(outcome: CheckoutOutcome): string {
  return outcome.kind === 'confirmed' ? outcome.order.id : outcome.orderId;
}
