import { ApiError } from '../src/api/api-error';
import type { CartView } from '@shop/contracts';
import { describeCheckoutFailure } from '../src/shop/checkout-errors';

const cart = { lines: [{ productId: 'p1', name: 'Desk Lamp' }] } as unknown as CartView;

describe('checkout failures in a shopper’s words', () => {
  it('when the payment is declined, then the message says nothing was charged and the next click is a new attempt', () => {
    const failure = describeCheckoutFailure(new ApiError(402, { status: 402, orderId: 'o1', reason: 'declined' }), cart);
    expect(failure.message).toMatch(/declined and nothing was charged/);
    expect(failure.attemptSettled).toBe(true);
  });

  it('when items ran out, then the products are named', () => {
    const failure = describeCheckoutFailure(new ApiError(409, { status: 409, outOfStock: [{ productId: 'p1', requested: 2, available: 0 }] }), cart);
    expect(failure.message).toContain('Desk Lamp');
    expect(failure.attemptSettled).toBe(true);
  });

  it('when the answer was lost or the shop was busy, then the same key is kept so a retry cannot order twice', () => {
    expect(describeCheckoutFailure(new ApiError(0, { status: 0 }), cart).attemptSettled).toBe(false);
    expect(describeCheckoutFailure(new ApiError(503, { status: 503 }), cart).attemptSettled).toBe(false);
    expect(describeCheckoutFailure(new ApiError(500, { status: 500 }), cart).attemptSettled).toBe(false);
  });

  it('when a product is no longer sold, then it is named and the shopper is told to remove it', () => {
    expect(describeCheckoutFailure(new ApiError(422, { status: 422, unavailable: ['p1'] }), cart).message).toBe('Desk Lamp is no longer sold. Remove it from your cart to check out.');
  });
});
