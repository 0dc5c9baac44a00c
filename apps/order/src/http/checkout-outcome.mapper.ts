import type { CheckoutProcessing, Order } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import type { CheckoutOutcome } from '../domain/checkout-outcome';

/** Where an order can be read. */
export function orderLocation(orderId: string): string {
  return `/api/orders/${orderId}`;
}

/**
 * The HTTP answer of a checkout outcome: a body to send with its status and Location, or the AppError that the
 * platform's error handler renders as a problem document (with `instance`, `requestId` and `Retry-After`, like every
 * other error of the API).
 */
export type CheckoutAnswer = { status: 201; body: Order; location: string } | { status: 202; body: CheckoutProcessing; location: string } | { problem: AppError };

/** The one place where a checkout outcome becomes HTTP: status, Location, and the problem's type, detail and members. */
export function answerOfCheckoutOutcome(outcome: CheckoutOutcome): CheckoutAnswer {
  switch (outcome.kind) {
    case 'confirmed':
      return { status: 201, body: outcome.order, location: orderLocation(outcome.order.id) };
    case 'processing':
      return {
        status: 202,
        body: { orderId: outcome.orderId, status: 'processing', detail: 'The payment outcome is not known yet; the order is completed in the background' },
        location: orderLocation(outcome.orderId),
      };
    case 'cart_changed':
      return problem('conflict', 'The cart changed while the order was being placed (it was edited, or another checkout took it); nothing was charged. Review the cart and place the order again', {
        orderId: outcome.orderId,
        reason: 'cart_changed',
      });
    case 'out_of_stock':
      return problem('conflict', 'Some products are out of stock', { orderId: outcome.orderId, outOfStock: outcome.lines });
    case 'products_unavailable':
      return problem('unprocessable', 'Some products cannot be ordered', { orderId: outcome.orderId, unavailable: outcome.productIds });
    case 'mixed_currencies':
      return problem('unprocessable', 'The products are priced in different currencies; one order is paid in one currency', { orderId: outcome.orderId });
    case 'payment_declined':
      return problem('payment_required', 'The payment was declined', { orderId: outcome.orderId, reason: outcome.reason });
    case 'reservation_expired':
      return problem('conflict', 'The stock reservation expired before the payment completed; the payment is refunded', { orderId: outcome.orderId });
    case 'interrupted':
      return problem('conflict', 'The checkout was interrupted and the order cancelled; nothing was charged', { orderId: outcome.orderId });
    case 'cancelled_while_paying':
      return problem('conflict', `The order was ${outcome.status} while the payment ran; the payment is refunded`, { orderId: outcome.orderId });
    case 'left_checkout':
      return problem('conflict', `The order was ${outcome.status}`, { orderId: outcome.orderId, reason: outcome.reason });
    case 'unavailable':
      return {
        problem: new AppError('unavailable', `${outcome.dependency === 'cart' ? 'The cart could not be taken' : 'The stock could not be reserved'} right now; try again (the same Idempotency-Key may be reused)`, {
          retryAfterSeconds: outcome.retryAfterSeconds,
          extensions: { orderId: outcome.orderId },
        }),
      };
  }
}

function problem(type: 'conflict' | 'unprocessable' | 'payment_required', detail: string, extensions: Record<string, unknown>): CheckoutAnswer {
  return { problem: new AppError(type, detail, { extensions }) };
}
