import { ApiError, describeApiError } from '../api/api-error';

/** A refused cart change, in a shopper's words (the cart service's 422 reasons). */
export function describeCartError(error: unknown): string {
  if (error instanceof ApiError && error.status === 422) {
    // The limit is an extension member of the problem: a number from the cart service, unknown to the type.
    const { limit } = error.problem;
    const limitText = typeof limit === 'number' || typeof limit === 'string' ? String(limit) : 'a limited number of';
    switch (error.problem.reason) {
      case 'product_unavailable':
        return 'This product is no longer sold.';
      case 'line_quantity_limit':
        return `You can order at most ${limitText} of one product.`;
      case 'too_many_lines':
        return `Your cart is full (at most ${limitText} different products).`;
      case 'currency_mismatch':
        return 'This product is priced in another currency than your cart. Check out your cart first.';
      default:
        break;
    }
  }
  return describeApiError(error);
}
