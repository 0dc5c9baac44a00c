import { ApiError, describeApiError } from '../api/api-error';
import { createTranslator, type Translate } from '../i18n/translator';

/** A refused cart change, in a shopper's words (the cart service's 422 reasons). */
export function describeCartError(error: unknown, t: Translate = createTranslator('en')): string {
  if (error instanceof ApiError && error.status === 422) {
    // The limit is an extension member of the problem: a number from the cart service, unknown to the type.
    const { limit } = error.problem;
    const known = typeof limit === 'number' || typeof limit === 'string';
    switch (error.problem.reason) {
      case 'product_unavailable':
        return t('errors.productUnavailable');
      case 'line_quantity_limit':
        return known ? t('errors.lineQuantityLimit', { limit }) : t('errors.lineQuantityLimitUnknown');
      case 'too_many_lines':
        return known ? t('errors.tooManyLines', { limit }) : t('errors.tooManyLinesUnknown');
      case 'currency_mismatch':
        return t('errors.currencyMismatch');
      default:
        break;
    }
  }
  return describeApiError(error, t);
}
