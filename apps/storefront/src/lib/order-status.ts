import type { Order, OrderStatus } from '@shop/contracts';
import type { MessageKey } from '../i18n/catalogues';
import { createTranslator, type Translate } from '../i18n/translator';

const labels: Record<OrderStatus, MessageKey> = {
  pending: 'shop.statusProcessing',
  reserved: 'shop.statusProcessing',
  paid: 'shop.statusProcessing',
  confirmed: 'shop.statusConfirmed',
  shipped: 'shop.statusShipped',
  delivered: 'shop.statusDelivered',
  payment_failed: 'shop.statusPaymentFailed',
  cancelled: 'shop.statusCancelled',
};

/** The status as a shopper reads it in the active language (`t`); the saga's intermediate steps are all "Processing". */
export function orderStatusLabel(status: OrderStatus, t: Translate = createTranslator('en')): string {
  const label = labels[status];
  return label ? t(label) : status;
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
