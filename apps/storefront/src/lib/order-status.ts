import type { Order, OrderStatus } from '@shop/contracts';

const labels: Record<OrderStatus, string> = {
  pending: 'Processing',
  reserved: 'Processing',
  paid: 'Processing',
  confirmed: 'Confirmed',
  shipped: 'Shipped',
  delivered: 'Delivered',
  payment_failed: 'Payment declined',
  cancelled: 'Cancelled',
};

/** The status as a shopper reads it; the saga's intermediate steps are all "Processing". */
export function orderStatusLabel(status: OrderStatus): string {
  return labels[status] ?? status;
}

/** Whether the checkout is still running (the page keeps polling). */
export function isOrderInProgress(status: OrderStatus): boolean {
  return status === 'pending' || status === 'reserved' || status === 'paid';
}

/** Whether the shopper may still cancel (the order service decides; this only offers the button). */
export function isCancellableByShopper(status: OrderStatus): boolean {
  return status === 'pending' || status === 'reserved' || status === 'confirmed';
}

/** Units in an order (the sum of its lines' quantities). */
export function itemCount(order: Pick<Order, 'lines'>): number {
  return order.lines.reduce((sum, line) => sum + line.quantity, 0);
}

/** A short reference to show and read out: the first 8 characters of the order's UUID, in capitals. */
export function orderReference(orderId: string): string {
  return orderId.slice(0, 8).toUpperCase();
}
