import { ApiError, describeApiError } from '../api/api-error';
import { outOfStockExtensionSchema, unavailableProductsExtensionSchema, type CartView } from '@shop/contracts';

/** What went wrong with a checkout attempt, and whether the next attempt needs a new idempotency key. */
export interface CheckoutFailure {
  message: string;
  /**
   * True when the API settled this attempt (declined, out of stock...): the same key would replay that answer, so
   * the next click is a new attempt. False when the outcome is unknown (network) or nothing was kept (503): the same
   * key makes the retry safe.
   */
  attemptSettled: boolean;
}

function productNames(ids: string[], cart: CartView | undefined): string {
  const names = ids.map((id) => cart?.lines.find((line) => line.productId === id)?.name ?? 'an item');
  return [...new Set(names)].join(', ');
}

/** Turns the order API's refusals into words a shopper understands (the cart is always kept). */
export function describeCheckoutFailure(error: unknown, cart: CartView | undefined): CheckoutFailure {
  if (!(error instanceof ApiError)) return { message: describeApiError(error), attemptSettled: false };
  const problem = error.problem;
  switch (error.status) {
    case 0:
      return { message: 'We lost the connection while placing your order. Press "Place order" again: you will not be charged twice.', attemptSettled: false };
    case 402:
      return { message: 'Your payment was declined and nothing was charged. Your cart is kept: choose another payment method and try again.', attemptSettled: true };
    case 409: {
      // The lines catalog could not reserve, as the order API passes them on (absent: the reservation expired).
      const outOfStock = outOfStockExtensionSchema.safeParse(problem).data?.outOfStock ?? [];
      if (outOfStock.length > 0) {
        return {
          message: `Sorry, not enough stock left of ${productNames(outOfStock.map((line) => line.productId), cart)}. Nothing was charged; we updated your cart so you can adjust it.`,
          attemptSettled: true,
        };
      }
      return { message: 'Your items were held too long and were released; any payment was refunded. Please place the order again.', attemptSettled: true };
    }
    case 422: {
      const unavailable = unavailableProductsExtensionSchema.safeParse(problem).data?.unavailable ?? [];
      if (unavailable.length > 0) return { message: `${productNames(unavailable, cart)} is no longer sold. Remove it from your cart to check out.`, attemptSettled: true };
      if (error.problem.errors?.length) return { message: 'Please correct the highlighted fields.', attemptSettled: true };
      return { message: problem.detail ?? 'Your cart cannot be ordered as it is.', attemptSettled: true };
    }
    case 401:
      return { message: 'Your session has ended. Please sign in again; your cart is kept.', attemptSettled: true };
    case 503:
      return { message: 'The shop is busy right now and nothing was ordered. Please try again in a moment.', attemptSettled: false };
    default:
      return { message: describeApiError(error), attemptSettled: error.status < 500 };
  }
}
