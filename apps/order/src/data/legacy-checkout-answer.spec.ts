import type { StoredCheckoutOutcome } from '../domain/checkout-outcome';
import type { Order } from '../domain/order';
import { outcomeOfLegacyAnswer } from './legacy-checkout-answer';

const orderId = '0b9c1b8e-4f7a-4c1e-9d7e-2a6f1c3b5d80';
const location = `/api/orders/${orderId}`;

/** A problem body as the previous release stored it: its extension members, then type, title, status and detail. */
function problem(status: number, type: string, detail: string, extensions: Record<string, unknown> = {}): Record<string, unknown> {
  return { orderId, ...extensions, type: `urn:shop:problem:${type}`, title: 'whatever the title was', status, detail };
}

/** `response_body` as the previous release wrote it. */
function stored(body: unknown, withLocation = false): string {
  return JSON.stringify({ body, location: withLocation ? location : undefined });
}

describe('idempotency answers stored by the previous release', () => {
  // Only its id matters here: the order is replayed as it was stored.
  const order = { id: orderId, userId: 'u1', status: 'confirmed' } as unknown as Order;

  it.each<[string, number, string, StoredCheckoutOutcome]>([
    ['the confirmed order', 201, stored(order, true), { kind: 'confirmed', order }],
    ['the 202', 202, stored({ orderId, status: 'processing', detail: 'The payment outcome is not known yet; the order is completed in the background' }, true), { kind: 'processing', orderId }],
    ['a declined payment', 402, stored(problem(402, 'payment_required', 'The payment was declined', { reason: 'card_declined' })), { kind: 'payment_declined', orderId, reason: 'card_declined' }],
    [
      'the out-of-stock lines',
      409,
      stored(problem(409, 'conflict', 'Some products are out of stock', { outOfStock: [{ productId: 'p1', requested: 3, available: 1 }] })),
      { kind: 'out_of_stock', orderId, lines: [{ productId: 'p1', requested: 3, available: 1 }] },
    ],
    ['an expired reservation', 409, stored(problem(409, 'conflict', 'The stock reservation expired before the payment completed; the payment is refunded')), { kind: 'reservation_expired', orderId }],
    ['an interrupted checkout', 409, stored(problem(409, 'conflict', 'The checkout was interrupted and the order cancelled; nothing was charged')), { kind: 'interrupted', orderId }],
    ['a cancellation while paying', 409, stored(problem(409, 'conflict', 'The order was cancelled while the payment ran; the payment is refunded')), { kind: 'cancelled_while_paying', orderId, status: 'cancelled' }],
    ['an order that had left the checkout', 409, stored(problem(409, 'conflict', 'The order was cancelled', { reason: 'customer_cancelled' })), { kind: 'left_checkout', orderId, status: 'cancelled', reason: 'customer_cancelled' }],
    ['unavailable products', 422, stored(problem(422, 'unprocessable', 'Some products cannot be ordered', { unavailable: ['p2'] })), { kind: 'products_unavailable', orderId, productIds: ['p2'] }],
    ['mixed currencies', 422, stored(problem(422, 'unprocessable', 'The products are priced in different currencies; one order is paid in one currency')), { kind: 'mixed_currencies', orderId }],
  ])('when the stored answer is %s, then it reads as the outcome that renders it again', (_what, status, body, outcome) => {
    expect(outcomeOfLegacyAnswer(status, body, orderId)).toEqual(outcome);
  });

  it('when a stored answer is not one the previous release wrote, then it has no outcome', () => {
    expect(outcomeOfLegacyAnswer(409, stored(problem(409, 'conflict', 'Something else entirely')), orderId)).toBeUndefined();
    expect(outcomeOfLegacyAnswer(500, stored({}), orderId)).toBeUndefined();
    expect(outcomeOfLegacyAnswer(402, 'not json', null)).toBeUndefined();
    expect(outcomeOfLegacyAnswer(402, null, orderId)).toBeUndefined();
  });
});
