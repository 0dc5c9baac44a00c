import { EventTypes, type EventType, type OrderEventData } from '@shop/contracts';
import type { Order } from './order';

/** Builds the data of the event that `order` (already in its new status) publishes: the contract's `OrderEventData`. */
export function orderEventData(type: EventType, order: Order, reason?: string): OrderEventData {
  return {
    orderId: order.id,
    userId: order.userId,
    status: order.status,
    lines: order.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
    total: order.total,
    ...(type === EventTypes.orderCancelled && reason ? { reason } : {}),
    // Every checkout of this release takes the cart first (CheckoutService): a cart that does not hold the order
    // (another region's) must leave its lines alone.
    cartTaken: true,
  };
}
