import type { Money, ProductStatus, ProductTranslation } from '@shop/contracts';
import type { CategoryRef } from './product';
import type { ProductEvent } from './product-events';

// The ports every part of the catalog shares. Each service's repository port is in its own `<service>.ports.ts`.

/** Who made a change: an admin (from the access token) or a system (the catalog sync, the demo seed). */
export type Actor = { kind: 'user'; userId: string; email: string } | { kind: 'system'; name: string; source?: string };

/**
 * What every catalog write is given first: who is acting. It becomes the `actor` of the product events the write
 * enqueues, which are the audit trail of the catalog. Reads and reservations take none: nothing of theirs is audited.
 */
export interface CatalogContext {
  actor: Actor;
}

/** A node of the category tree. */
export interface Category extends CategoryRef {
  parentId: string | null;
}

/** Columns written when a product is created or changed. */
export interface ProductRecord {
  sku: string;
  name: string;
  description: string;
  brand: string | null;
  categoryId: string | null;
  imageUrls: string[];
  attributes: Record<string, unknown>;
  priceAmount: number;
  priceCurrency: string;
  /** The explicit prices in other currencies: the price list keeps exactly these, and derives the other market currencies. */
  explicitPrices: Money[];
  /** Name and description per other language: the product keeps exactly these. */
  translations: Record<string, ProductTranslation>;
  status: ProductStatus;
  contentHash: string | null;
}

/** A new product's row: its record and where it comes from. */
export interface NewProductRecord extends ProductRecord {
  id: string;
  /** The sync source and its id of the product; null for products an admin created. */
  source: string | null;
  externalId: string | null;
  now: Date;
}

/** Port: the product writes that admin changes and the catalog sync share, inside one of their transactions. */
export interface ProductWrites {
  /** The id of another product that uses `sku`, if any. */
  productIdUsingSku(sku: string): Promise<string | undefined>;
  /** Inserts a product (version 1) with an inventory row; false when the SKU (or source key) is taken. */
  insertProduct(product: NewProductRecord): Promise<boolean>;
  /** Writes new values and bumps the version, only if the version is still `expectedVersion`; the new version, or undefined. */
  updateProduct(id: string, expectedVersion: number, product: ProductRecord, now: Date): Promise<number | undefined>;
  /** Sets the stock on hand; false when it would fall below what is reserved. */
  setOnHand(id: string, onHand: number, now: Date): Promise<boolean>;
  /** Writes a product event to the outbox, published after commit. */
  enqueueProductEvent(event: ProductEvent): Promise<void>;
}

/** A serialized product representation with its entity tag, as the read path caches it. */
export interface CachedRepresentation {
  productId: string;
  sku: string;
  /** The representation in the product's own currency and the catalog's base language. */
  body: string;
  etag: string;
  /**
   * The representation in every other pair of a market currency of its price list and a language of its
   * translations, by `presentationKey` (one cache entry serves every market and language).
   */
  presentations?: Record<string, { body: string; etag: string }>;
}

/** What a replica drops from its L1 when products changed: their entries, and with `lists` every list page. */
export interface CacheInvalidation {
  productIds: string[];
  lists: boolean;
}

/**
 * Port: the catalog's read cache, cache-aside in two levels (L1 in this process, L2 shared by the replicas) before the
 * database, with one load per key at a time in a process (concurrent misses share it). Keys: domain/cache-keys.ts.
 */
export interface CatalogReadCache {
  /** The public representation under an id or SKU: from L1, else L2, else `load` (then kept in both). */
  product(ref: { id: string } | { sku: string }, load: () => Promise<CachedRepresentation | undefined>): Promise<CachedRepresentation | undefined>;
  /** A page of a list or search of kind `kind` for `query` (JSON values): from L1, else L2, else `load`. A failed load is not kept. */
  list<T>(kind: string, query: Readonly<Record<string, unknown>>, load: () => Promise<T>): Promise<T>;
  /**
   * After a commit: the products' L2 entries (under their id and every SKU given, old and new) go at once, the list
   * generation changes, and this process's L1 forgets them. Throws when L2 could not be written (its TTL, or the retry
   * before the next read, bounds the staleness); L1 forgets either way.
   */
  invalidate(products: ReadonlyArray<{ id: string; skus: readonly string[] }>): Promise<void>;
  /** Drops this process's L1 entries of the products (and with `lists` its list pages): what a broadcast asks of every replica. */
  forgetLocally(change: CacheInvalidation): void;
}

/** Port: tells every replica (itself included) to drop L1 entries; at most once per commit. */
export interface CacheInvalidationBroadcast {
  publish(change: CacheInvalidation): Promise<void>;
}

/** Port: anonymous reads reported to analytics, fire-and-forget. */
export interface CatalogAnalytics {
  productViewed(view: { productId: string; sku: string }): void;
  catalogSearched(search: { q?: string; category?: string; brand?: string; sort: string; resultCount: number; page: 'first' | 'next' }): void;
}

/** A write hit a unique constraint (another product took the SKU meanwhile). */
export class DuplicateKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DuplicateKeyError';
  }
}
