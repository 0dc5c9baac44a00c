import type { Order } from '../domain/order';
import { OrderStatuses, type OrderStatus } from '../domain/order-status';
import type { StoredCheckoutOutcome } from '../domain/checkout-outcome';

/**
 * The outcome behind an answer stored in the shape the previous release kept (`response_status`, and
 * `response_body` = `{body, location}`), before idempotency keys stored outcomes (migration 003). That release
 * wrote a closed set of answers, each told apart by its status and its problem's members or detail. An answer it
 * cannot place gives undefined (the caller then treats the key as still processing: the order itself is the truth).
 */
export function outcomeOfLegacyAnswer(status: number, storedBody: string | null, orderId: string | null): StoredCheckoutOutcome | undefined {
  const body = parseBody(storedBody);
  if (status === 201 && body && typeof body.id === 'string') return { kind: 'confirmed', order: body as unknown as Order };
  const id = typeof body?.orderId === 'string' ? body.orderId : orderId;
  if (!body || !id) return undefined;
  const detail = typeof body.detail === 'string' ? body.detail : '';
  const reason = typeof body.reason === 'string' ? body.reason : null;
  switch (status) {
    case 202:
      return { kind: 'processing', orderId: id };
    case 402:
      return { kind: 'payment_declined', orderId: id, reason };
    case 409: {
      if (Array.isArray(body.outOfStock)) return { kind: 'out_of_stock', orderId: id, lines: body.outOfStock as Extract<StoredCheckoutOutcome, { kind: 'out_of_stock' }>['lines'] };
      if (detail.startsWith('The stock reservation expired')) return { kind: 'reservation_expired', orderId: id };
      if (detail.startsWith('The checkout was interrupted')) return { kind: 'interrupted', orderId: id };
      const whilePaying = /^The order was (\w+) while the payment ran/.exec(detail)?.[1];
      if (isOrderStatus(whilePaying)) return { kind: 'cancelled_while_paying', orderId: id, status: whilePaying };
      const leftAs = /^The order was (\w+)$/.exec(detail)?.[1];
      if (isOrderStatus(leftAs)) return { kind: 'left_checkout', orderId: id, status: leftAs, reason };
      return undefined;
    }
    case 422:
      if (Array.isArray(body.unavailable)) return { kind: 'products_unavailable', orderId: id, productIds: body.unavailable as string[] };
      if (detail.startsWith('The products are priced in different currencies')) return { kind: 'mixed_currencies', orderId: id };
      return undefined;
    default:
      return undefined;
  }
}

function parseBody(storedBody: string | null): Record<string, unknown> | undefined {
  if (storedBody === null) return undefined;
  try {
    const stored = JSON.parse(storedBody) as { body?: unknown } | null;
    return stored && typeof stored.body === 'object' && stored.body !== null ? (stored.body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isOrderStatus(value: string | undefined): value is OrderStatus {
  return (OrderStatuses as readonly string[]).includes(value ?? '');
}
