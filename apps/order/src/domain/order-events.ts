import { EventTypes, type EventType, type Money } from '@shop/contracts';
import type { Order } from './order';
import type { OrderStatus } from './order-status';

/** Data of the order events (topic `orders`, subject = order id). */
export interface OrderEventData {
  orderId: string;
  userId: string;
  status: OrderStatus;
  lines: Array<{ productId: string; quantity: number }>;
  total: Money;
  /** Why an order was cancelled (order.cancelled only). */
  reason?: string;
}

/** Builds the data of the event that `order` (already in its new status) publishes. */
export function orderEventData(type: EventType, order: Order, reason?: string): OrderEventData {
  return {
    orderId: order.id,
    userId: order.userId,
    status: order.status,
    lines: order.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
    total: order.total,
    ...(type === EventTypes.orderCancelled && reason ? { reason } : {}),
  };
}
