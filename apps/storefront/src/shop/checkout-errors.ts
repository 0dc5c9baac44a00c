import { ApiError, describeApiError } from '../api/api-error';
import { createTranslator, type Translate } from '../i18n/translator';
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

function productNames(ids: string[], cart: CartView | undefined, t: Translate): string {
  const names = ids.map((id) => cart?.lines.find((line) => line.productId === id)?.name ?? t('errors.anItem'));
  return [...new Set(names)].join(', ');
}

/** Turns the order API's refusals into words a shopper understands (the cart is always kept). */
export function describeCheckoutFailure(error: unknown, cart: CartView | undefined, t: Translate = createTranslator('en')): CheckoutFailure {
  if (!(error instanceof ApiError)) return { message: describeApiError(error, t), attemptSettled: false };
  const problem = error.problem;
  switch (error.status) {
    case 0:
      return { message: t('errors.checkoutConnectionLost'), attemptSettled: false };
    case 402:
      return { message: t('errors.paymentDeclined'), attemptSettled: true };
    case 409: {
      // The lines catalog could not reserve, as the order API passes them on (absent: the reservation expired).
      const outOfStock = outOfStockExtensionSchema.safeParse(problem).data?.outOfStock ?? [];
      if (outOfStock.length > 0) {
        return {
          message: t('errors.notEnoughStock', { products: productNames(outOfStock.map((line) => line.productId), cart, t) }),
          attemptSettled: true,
        };
      }
      return { message: t('errors.reservationExpired'), attemptSettled: true };
    }
    case 422: {
      const unavailable = unavailableProductsExtensionSchema.safeParse(problem).data?.unavailable ?? [];
      if (unavailable.length > 0) return { message: t('errors.productsNoLongerSold', { products: productNames(unavailable, cart, t) }), attemptSettled: true };
      if (error.problem.errors?.length) return { message: t('errors.correctFields'), attemptSettled: true };
      return { message: problem.detail ?? t('errors.cartNotOrderable'), attemptSettled: true };
    }
    case 401:
      return { message: t('errors.checkoutSessionEnded'), attemptSettled: true };
    case 503:
      return { message: t('errors.shopBusy'), attemptSettled: false };
    default:
      return { message: describeApiError(error, t), attemptSettled: error.status < 500 };
  }
}
