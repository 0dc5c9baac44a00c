import type { Order, OrderStatus } from '@shop/contracts';

/** How each status reads in the back office: every step of the checkout by name, unlike the shopper's view. */
export const adminOrderStatusLabels: Record<OrderStatus, string> = {
  pending: 'Pending',
  reserved: 'Reserved',
  paid: 'Paid',
  confirmed: 'Confirmed',
  shipped: 'Shipped',
  delivered: 'Delivered',
  payment_failed: 'Payment failed',
  cancelled: 'Cancelled',
};

/** The fulfilment step an admin can take next: confirmed → shipped, shipped → delivered; none otherwise. */
export function nextFulfilmentStep(status: OrderStatus): { action: 'ship' | 'deliver'; label: string } | undefined {
  if (status === 'confirmed') return { action: 'ship', label: 'Mark shipped' };
  if (status === 'shipped') return { action: 'deliver', label: 'Mark delivered' };
  return undefined;
}

/** The first 8 characters of an id, enough to tell customers apart in a list (orders use `orderReference`, the same one the shopper sees). */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** The payment method as an admin reads it; the payment token itself is never stored. */
export function describePaymentMethod(method: Order['paymentMethod']): string {
  return method.kind === 'token' ? `Card ending ${method.last4}` : `Simulated payment (${method.outcome})`;
}
