import { ApiError, describeApiError } from '../api/api-error';

/** A refused cart change, in a shopper's words (the cart service's 422 reasons). */
export function describeCartError(error: unknown): string {
  if (error instanceof ApiError && error.status === 422) {
    switch (error.problem.reason) {
      case 'product_unavailable':
        return 'This product is no longer sold.';
      case 'line_quantity_limit':
        return `You can order at most ${String(error.problem.limit ?? 'a limited number of')} of one product.`;
      case 'too_many_lines':
        return `Your cart is full (at most ${String(error.problem.limit ?? 'a limited number of')} different products).`;
      case 'currency_mismatch':
        return 'This product is priced in another currency than your cart. Check out your cart first.';
      default:
        break;
    }
  }
  return describeApiError(error);
}
