import { z } from 'zod';

/** Data of `product.viewed`: views of one product counted by catalog over a short window. */
export const productViewedSchema = z.object({
  productId: z.string().min(1).max(200),
  sku: z.string().max(200),
  views: z.number().int().min(1).max(1_000_000_000),
});

/** Data of `catalog.searched`: only the query text is aggregated. */
export const catalogSearchedSchema = z.object({
  q: z.string().optional(),
});

/** Longest search text kept (catalog already cuts at 200). */
const MAX_QUERY_LENGTH = 200;

/** The form searches are counted in: trimmed, lower-cased, inner whitespace collapsed; empty when nothing remains. */
export function normaliseSearchQuery(q: string | undefined): string {
  return (q ?? '').trim().toLowerCase().replace(/\s+/g, ' ').slice(0, MAX_QUERY_LENGTH);
}

/** The UTC calendar day (YYYY-MM-DD) of an instant. */
export function utcDayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}
