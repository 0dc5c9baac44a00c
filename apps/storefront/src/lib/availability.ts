import type { Availability, CartAvailabilityIssue } from '@shop/contracts';

/** Below this many units a product page says how many are left. */
export const lowStockThreshold = 5;

/** What a shopper reads about stock: "In stock", "Only 3 left", "Sold out". */
export function availabilityLabel(availability: Availability): { text: string; tone: 'ok' | 'low' | 'out' } {
  if (!availability.inStock || availability.available <= 0) return { text: 'Sold out', tone: 'out' };
  if (availability.available <= lowStockThreshold) return { text: `Only ${availability.available} left`, tone: 'low' };
  return { text: 'In stock', tone: 'ok' };
}

/** Why a cart line cannot be ordered as it is, in a shopper's words; undefined when it can. */
export function cartLineIssueText(issue: CartAvailabilityIssue | null, available: number): string | undefined {
  switch (issue) {
    case 'out_of_stock':
      return 'Sold out: remove it to check out.';
    case 'insufficient_stock':
      return `Only ${available} left: lower the quantity to check out.`;
    case 'unavailable':
      return 'No longer sold: remove it to check out.';
    default:
      return undefined;
  }
}
