import { statusOfErrorType, toProblem } from '@shop/platform';
import type { Order } from '@shop/contracts';
import type { CheckoutOutcome } from '../domain/checkout-outcome';
import { answerOfCheckoutOutcome } from './checkout-outcome.mapper';

const orderId = '0b9c1b8e-4f7a-4c1e-9d7e-2a6f1c3b5d80';
const order = { id: orderId, status: 'confirmed' } as Order;

/** Status and body as they go on the wire; a problem as the error handler renders it (here without instance and request id). */
function wire(outcome: CheckoutOutcome): { status: number; body: string; location?: string; retryAfterSeconds?: number } {
  const answer = answerOfCheckoutOutcome(outcome);
  if ('problem' in answer) {
    return { status: statusOfErrorType[answer.problem.type], body: JSON.stringify(toProblem(answer.problem)), retryAfterSeconds: answer.problem.retryAfterSeconds };
  }
  return { status: answer.status, body: JSON.stringify(answer.body), location: answer.location };
}

describe('checkout outcomes over HTTP', () => {
  // The bodies the checkout answered before it spoke in outcomes, byte for byte (the storefront reads them).
  it.each<[string, CheckoutOutcome, number, string]>([
    ['processing', { kind: 'processing', orderId }, 202, `{"orderId":"${orderId}","status":"processing","detail":"The payment outcome is not known yet; the order is completed in the background"}`],
    [
      'out_of_stock',
      { kind: 'out_of_stock', orderId, lines: [{ productId: 'p1', requested: 5, available: 2 }] },
      409,
      `{"orderId":"${orderId}","outOfStock":[{"productId":"p1","requested":5,"available":2}],"type":"urn:shop:problem:conflict","title":"Conflict with the current state","status":409,"detail":"Some products are out of stock"}`,
    ],
    [
      'products_unavailable',
      { kind: 'products_unavailable', orderId, productIds: ['p2'] },
      422,
      `{"orderId":"${orderId}","unavailable":["p2"],"type":"urn:shop:problem:unprocessable","title":"The request cannot be processed","status":422,"detail":"Some products cannot be ordered"}`,
    ],
    [
      'mixed_currencies',
      { kind: 'mixed_currencies', orderId },
      422,
      `{"orderId":"${orderId}","type":"urn:shop:problem:unprocessable","title":"The request cannot be processed","status":422,"detail":"The products are priced in different currencies; one order is paid in one currency"}`,
    ],
    [
      'payment_declined',
      { kind: 'payment_declined', orderId, reason: 'card_declined' },
      402,
      `{"orderId":"${orderId}","reason":"card_declined","type":"urn:shop:problem:payment_required","title":"The payment was declined","status":402,"detail":"The payment was declined"}`,
    ],
    [
      'reservation_expired',
      { kind: 'reservation_expired', orderId },
      409,
      `{"orderId":"${orderId}","type":"urn:shop:problem:conflict","title":"Conflict with the current state","status":409,"detail":"The stock reservation expired before the payment completed; the payment is refunded"}`,
    ],
    [
      'interrupted',
      { kind: 'interrupted', orderId },
      409,
      `{"orderId":"${orderId}","type":"urn:shop:problem:conflict","title":"Conflict with the current state","status":409,"detail":"The checkout was interrupted and the order cancelled; nothing was charged"}`,
    ],
    [
      'cancelled_while_paying',
      { kind: 'cancelled_while_paying', orderId, status: 'cancelled' },
      409,
      `{"orderId":"${orderId}","type":"urn:shop:problem:conflict","title":"Conflict with the current state","status":409,"detail":"The order was cancelled while the payment ran; the payment is refunded"}`,
    ],
    [
      'left_checkout',
      { kind: 'left_checkout', orderId, status: 'cancelled', reason: 'customer_cancelled' },
      409,
      `{"orderId":"${orderId}","reason":"customer_cancelled","type":"urn:shop:problem:conflict","title":"Conflict with the current state","status":409,"detail":"The order was cancelled"}`,
    ],
    [
      'unavailable',
      { kind: 'unavailable', orderId, retryAfterSeconds: 1, dependency: 'stock' },
      503,
      `{"orderId":"${orderId}","type":"urn:shop:problem:unavailable","title":"Temporarily unavailable","status":503,"detail":"The stock could not be reserved right now; try again (the same Idempotency-Key may be reused)"}`,
    ],
  ])('when the outcome is %s, then the answer is %d with the same body as before', (_kind, outcome, status, body) => {
    expect(wire(outcome)).toMatchObject({ status, body });
  });

  it('when the cart changed before the order could take it, then the answer is a 409 that says so, with the order and reason cart_changed', () => {
    expect(wire({ kind: 'cart_changed', orderId })).toEqual({
      status: 409,
      body: `{"orderId":"${orderId}","reason":"cart_changed","type":"urn:shop:problem:conflict","title":"Conflict with the current state","status":409,"detail":"The cart changed while the order was being placed (it was edited, or another checkout took it); nothing was charged. Review the cart and place the order again"}`,
    });
  });

  it('when the cart cannot be taken right now, then the 503 says it is the cart and asks to retry after a second', () => {
    const answer = wire({ kind: 'unavailable', orderId, retryAfterSeconds: 1, dependency: 'cart' });
    expect(answer).toMatchObject({ status: 503, retryAfterSeconds: 1 });
    expect(JSON.parse(answer.body)).toMatchObject({ detail: 'The cart could not be taken right now; try again (the same Idempotency-Key may be reused)' });
  });

  it('when the order is confirmed, then the answer is 201 with the order and its Location', () => {
    expect(wire({ kind: 'confirmed', order })).toEqual({ status: 201, body: JSON.stringify(order), location: `/api/orders/${orderId}` });
  });

  it('when the outcome is still processing, then the 202 points at the order', () => {
    expect(wire({ kind: 'processing', orderId }).location).toBe(`/api/orders/${orderId}`);
  });

  it('when the stock cannot be reserved right now, then the 503 asks to retry after a second, and only it does', () => {
    expect(wire({ kind: 'unavailable', orderId, retryAfterSeconds: 1, dependency: 'stock' }).retryAfterSeconds).toBe(1);
    expect(wire({ kind: 'out_of_stock', orderId, lines: [] }).retryAfterSeconds).toBeUndefined();
  });
});
