import type { Availability, CartAvailabilityIssue } from '@shop/contracts';
import { createTranslator, type Translate } from '../i18n/translator';

const english = createTranslator('en');

/** Below this many units a product page says how many are left. */
export const lowStockThreshold = 5;

/** What a shopper reads about stock: "In stock", "Only 3 left", "Sold out". */
export function availabilityLabel(availability: Availability, t: Translate = english): { text: string; tone: 'ok' | 'low' | 'out' } {
  if (!availability.inStock || availability.available <= 0) return { text: t('shop.soldOut'), tone: 'out' };
  if (availability.available <= lowStockThreshold) return { text: t('shop.onlyLeft', { count: availability.available }), tone: 'low' };
  return { text: t('shop.inStock'), tone: 'ok' };
}

/**
 * Why a cart line cannot be ordered as it is, in a shopper's words; undefined when it can. An unavailable line whose
 * product catalog still knows (`stillListed`: it has a name) is not sold in the cart's market: after a market change,
 * the product has no price in the new currency.
 */
export function cartLineIssueText(issue: CartAvailabilityIssue | null, available: number, t: Translate = english, stillListed = false): string | undefined {
  switch (issue) {
    case 'out_of_stock':
      return t('shop.issueOutOfStock');
    case 'insufficient_stock':
      return t('shop.issueInsufficientStock', { count: available });
    case 'unavailable':
      return t(stillListed ? 'shop.issueNotInMarket' : 'shop.issueUnavailable');
    default:
      return undefined;
  }
}
