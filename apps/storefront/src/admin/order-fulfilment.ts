import type { Order, OrderStatus } from '@shop/contracts';
import type { MessageKey } from '../i18n/catalogues';
import { createTranslator, type Translate } from '../i18n/translator';
import './admin-messages';

const english = createTranslator('en');

const statusKeys: Record<OrderStatus, MessageKey> = {
  pending: 'admin.orderPending',
  reserved: 'admin.orderReserved',
  paid: 'admin.orderPaid',
  confirmed: 'admin.orderConfirmed',
  shipped: 'admin.orderShipped',
  delivered: 'admin.orderDelivered',
  payment_failed: 'admin.orderPaymentFailed',
  cancelled: 'admin.orderCancelled',
};

/** How a status reads in the back office, in the active language (`t`): every step of the checkout by name, unlike the shopper's view. */
export function adminOrderStatusLabel(status: OrderStatus, t: Translate = english): string {
  const key = statusKeys[status];
  return key ? t(key) : status;
}

/** The fulfilment step an admin can take next: confirmed → shipped, shipped → delivered; none otherwise. */
export function nextFulfilmentStep(status: OrderStatus, t: Translate = english): { action: 'ship' | 'deliver'; label: string } | undefined {
  if (status === 'confirmed') return { action: 'ship', label: t('admin.markShipped') };
  if (status === 'shipped') return { action: 'deliver', label: t('admin.markDelivered') };
  return undefined;
}

/** The first 8 characters of an id, enough to tell customers apart in a list (orders use `orderReference`, the same one the shopper sees). */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** The payment method as an admin reads it; the payment token itself is never stored. */
export function describePaymentMethod(method: Order['paymentMethod'], t: Translate = english): string {
  return method.kind === 'token' ? t('admin.cardEnding', { last4: method.last4 }) : t('admin.simulatedPayment', { outcome: method.outcome });
}
