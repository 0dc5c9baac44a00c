import { EventTypes, OrderStatuses, type EventType, type OrderStatus } from '@shop/contracts';
import { AppError } from '@shop/kernel';

// The statuses are part of the order API's contract; the state machine over them is the order service's own.
export { OrderStatuses, type OrderStatus };

/**
 * The order state machine: the only place that says which status may follow which.
 *
 *   pending ──► reserved ──► paid ──► confirmed ──► shipped ──► delivered
 *      │            │          │          │
 *      │            ├──► payment_failed   │
 *      ▼            ▼          ▼          ▼
 *   cancelled ◄─────┴──────────┴──────────┘
 */
const allowedTransitions: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  // Out of stock, unavailable products, a failed reservation, or the customer cancelling.
  pending: ['reserved', 'cancelled'],
  // Declined payment → payment_failed; expiry, error or the customer cancelling → cancelled.
  reserved: ['paid', 'payment_failed', 'cancelled'],
  // The reservation expired before the commit: the payment is refunded.
  paid: ['confirmed', 'cancelled'],
  // The customer cancels before shipping: stock returns and the payment is refunded.
  confirmed: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
  payment_failed: [],
};

/**
 * Statuses of an order whose checkout has not finished: the recovery resumes orders left in them (the repository's
 * claim query is built from this list, and a test checks the migration's partial index against it).
 */
export const CheckoutStatuses = ['pending', 'reserved', 'paid'] as const satisfies readonly OrderStatus[];

/** True when `to` may follow `from`. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return allowedTransitions[from].includes(to);
}

/** Throws a `conflict` AppError when `to` may not follow `from`. */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) {
    throw new AppError('conflict', `An order that is ${from} cannot become ${to}`, { extensions: { orderStatus: from } });
  }
}

/**
 * The event a transition publishes, if any. Events start with order.placed (on reserve): an order that never got
 * its stock was never placed, so nobody downstream hears about its cancellation either. A declined payment ends a
 * placed order, so it is published as order.cancelled (its data says `status: payment_failed`).
 */
export function eventTypeOfTransition(from: OrderStatus, to: OrderStatus): EventType | undefined {
  switch (to) {
    case 'reserved':
      return EventTypes.orderPlaced;
    case 'confirmed':
      return EventTypes.orderConfirmed;
    case 'shipped':
      return EventTypes.orderShipped;
    case 'cancelled':
    case 'payment_failed':
      return from === 'pending' ? undefined : EventTypes.orderCancelled;
    default:
      return undefined;
  }
}
