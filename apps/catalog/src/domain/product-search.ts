import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ProductSort, ProductStatus } from '@shop/contracts';

/** The filters of a product search (what a cursor is bound to). */
export interface ProductFilters {
  /** Full-text query (websearch syntax; the last word also matches as a prefix). */
  q?: string;
  /** Category slug; subcategories are included. */
  category?: string;
  brand?: string;
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  /** At most this many units available (admin low-stock list). */
  maxAvailable?: number;
  /** The currency of the market searched in: prices, price sort and price filters use the price list's price in it. */
  currency?: string;
  /**
   * The reader's language, when it is not the catalog's base language: `q` also matches the products' texts in it,
   * stemmed as that language is.
   */
  language?: string;
  statuses: ProductStatus[];
}

/** Where the previous page ended, in the sort order of the search. */
export type SortPosition = { sort: 'newest'; createdAt: string; id: string } | { sort: 'price' | '-price'; price: number; id: string } | { sort: 'relevance'; rank: number; id: string };

/** One page request of a product search. */
export interface ProductSearch extends ProductFilters {
  sort: ProductSort;
  limit: number;
  after?: SortPosition;
}

/** A cursor that cannot be used: garbage, tampered with, or from a different search. */
export class InvalidCursorError extends Error {
  constructor(reason: string) {
    super(`The cursor is not valid for this search: ${reason}`);
    this.name = 'InvalidCursorError';
  }
}

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const cursorPayloadSchema = z.strictObject({
  v: z.literal(1),
  /** Fingerprint of the filters and sort the cursor was issued for. */
  f: z.string().max(32),
  p: z.discriminatedUnion('sort', [
    z.strictObject({ sort: z.literal('newest'), createdAt: z.iso.datetime(), id: uuid }),
    z.strictObject({ sort: z.enum(['price', '-price']), price: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), id: uuid }),
    z.strictObject({ sort: z.literal('relevance'), rank: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), id: uuid }),
  ]),
});

/** A short digest of the filters and sort; a cursor only continues the search it came from. */
export function searchFingerprint(filters: ProductFilters, sort: ProductSort): string {
  const normalized = [filters.q ?? '', filters.category ?? '', filters.brand?.toLowerCase() ?? '', filters.minPrice ?? '', filters.maxPrice ?? '', filters.inStock ?? '', filters.maxAvailable ?? '', filters.currency ?? '', filters.language ?? '', [...filters.statuses].sort().join('|'), sort];
  return createHash('sha256').update(JSON.stringify(normalized)).digest('base64url').slice(0, 12);
}

/** Encodes the position after the last item of a page as an opaque base64url cursor. */
export function encodeCursor(position: SortPosition, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ v: 1, f: fingerprint, p: position }), 'utf8').toString('base64url');
}

/** Decodes a cursor for a search with `fingerprint` and `sort`; throws InvalidCursorError for anything else. */
export function decodeCursor(cursor: string, fingerprint: string, sort: ProductSort): SortPosition {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) throw new InvalidCursorError('not base64url');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not a cursor');
  }
  const parsed = cursorPayloadSchema.safeParse(payload);
  if (!parsed.success) throw new InvalidCursorError('not a cursor');
  if (parsed.data.f !== fingerprint || parsed.data.p.sort !== sort) throw new InvalidCursorError('it belongs to a different search or sort order');
  return parsed.data.p;
}
