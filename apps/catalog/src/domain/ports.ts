import type { CategoryRef, ProductStatus, ProductWithAvailability } from './product';
import type { ProductSearch } from './product-search';
import type { RequestedLine, Reservation, ReservationLine, ReservationStatus } from './reservation';
import type { SyncRun } from './sync-run';

/** Who made a change: an admin (from the access token) or the catalog sync. */
export type Actor = { kind: 'user'; userId: string; email: string } | { kind: 'system'; name: string; source?: string };

/** What every catalog operation is given first: who is acting (absent for anonymous reads). */
export interface CatalogContext {
  actor?: Actor;
}

/** A node of the category tree. */
export interface Category extends CategoryRef {
  parentId: string | null;
}

/** How a product is looked up: by id or by SKU, optionally restricted to some statuses. */
export type ProductLookup = ({ id: string } | { sku: string }) & { statuses?: ProductStatus[] };

/** A product search hit: the product and its relevance (0 without a query). */
export interface ProductHit extends ProductWithAvailability {
  rank: number;
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
  status: ProductStatus;
  contentHash: string | null;
}

/** Port: catalog reads, and the transactions that change it. */
export interface CatalogRepository {
  findProduct(lookup: ProductLookup): Promise<ProductWithAvailability | undefined>;
  /** One page of a search, with one extra hit when there is a next page. */
  searchProducts(search: ProductSearch): Promise<ProductHit[]>;
  listCategories(): Promise<Category[]>;
  countProducts(): Promise<number>;
  findSyncRun(id: string): Promise<SyncRun | undefined>;
  /** Sync runs, newest first, optionally of one source. */
  listSyncRuns(query: { source?: string; limit: number }): Promise<SyncRun[]>;
  /** Runs `work` in one database transaction: its changes and its enqueued events commit together or not at all. */
  transaction<T>(work: (tx: CatalogTransaction) => Promise<T>): Promise<T>;
}

/** Port: what a write transaction can do. */
export interface CatalogTransaction {
  /** Reads a product and locks it until the transaction ends. */
  lockProduct(id: string): Promise<ProductWithAvailability | undefined>;
  /** Reads (and locks) the product a sync source knows by `externalId`. */
  lockProductBySourceKey(source: string, externalId: string): Promise<ProductWithAvailability | undefined>;
  findCategoryBySlug(slug: string): Promise<Category | undefined>;
  /** The category at `names` (root first), creating the missing ones. */
  ensureCategoryPath(names: string[]): Promise<Category>;
  /** The id of another product that uses `sku`, if any. */
  productIdUsingSku(sku: string): Promise<string | undefined>;
  /** Inserts a product (version 1) with an inventory row; false when the SKU (or source key) is taken. */
  insertProduct(product: ProductRecord & { id: string; source: string | null; externalId: string | null; now: Date }): Promise<boolean>;
  /** Writes new values and bumps the version, only if the version is still `expectedVersion`; the new version, or undefined. */
  updateProduct(id: string, expectedVersion: number, product: ProductRecord, now: Date): Promise<number | undefined>;
  /** Bumps the version only (a change outside the product row, such as stock). */
  touchProduct(id: string, expectedVersion: number, now: Date): Promise<number | undefined>;
  /** Sets the stock on hand; false when it would fall below what is reserved. */
  setOnHand(id: string, onHand: number, now: Date): Promise<boolean>;
  /** Deletes a product; false when reservations still refer to it. */
  deleteProduct(id: string): Promise<boolean>;
  /** Records that `consumer` handles `eventId`; false when it was handled before. */
  claimInboxEvent(consumer: string, eventId: string): Promise<boolean>;
  /** Writes a product event to the outbox, published after commit. */
  enqueueProductEvent(type: string, productId: string, data: unknown): Promise<void>;
  insertSyncRun(run: SyncRun): Promise<void>;
  /** Reads a sync run and locks it until the transaction ends (serialises its batches and its finish). */
  lockSyncRun(id: string): Promise<SyncRun | undefined>;
  /** Writes a run's counters, lists and status. */
  saveSyncRun(run: SyncRun): Promise<void>;
  /** Stamps the source's products with these external ids as seen by the run. */
  markSeenInRun(source: string, externalIds: string[], runId: string): Promise<void>;
  /**
   * Archives (never deletes) the source's active products the run did not see, leaving alone those a newer run saw,
   * and bumps their version; clears their content hash so that a product coming back is applied again.
   */
  archiveProductsNotSeenInRun(run: Pick<SyncRun, 'id' | 'source' | 'startedAt'>, now: Date): Promise<Array<{ id: string; sku: string; version: number }>>;
  /** Runs `work` so that when it throws, only its own changes are rolled back (a savepoint); unique violations surface as DuplicateKeyError. */
  isolated<T>(work: () => Promise<T>): Promise<T>;
}

/** What a reservation needs to know about a product: its price snapshot and whether it is on sale. */
export interface ProductForSale {
  id: string;
  sku: string;
  name: string;
  price: { amount: number; currency: string };
  status: ProductStatus;
}

/** A product's stock after a reservation changed it, with its current SKU (for cache invalidation and alerts). */
export interface StockAfterChange {
  productId: string;
  sku: string;
  onHand: number;
  reserved: number;
}

/** A locked reservation and whether its expiry has passed (by the database clock). */
export interface LockedReservation extends Reservation {
  expired: boolean;
}

/** Port: the stock reservations of orders. Expiry is judged by the database clock, one clock for every replica. */
export interface ReservationRepository {
  /** Runs `work` in one database transaction: stock, reservation rows and enqueued events commit together or not at all. */
  transaction<T>(work: (tx: ReservationTransaction) => Promise<T>): Promise<T>;
  /** Status and current availability of products (outside any transaction); unknown ids are absent. */
  currentAvailability(productIds: string[]): Promise<Map<string, { status: ProductStatus; available: number }>>;
  /** Orders with a `reserved` reservation past its expiry, oldest first, at most `limit`. */
  findExpiredOrderIds(limit: number): Promise<string[]>;
}

/** Port: what a reservation transaction can do. Reservation rows are always locked before inventory rows. */
export interface ReservationTransaction {
  /** Locks an order's reservation rows (productId order); undefined when the order reserved nothing. */
  lockReservation(orderId: string): Promise<LockedReservation | undefined>;
  /** Locks the rows of these orders that are still `reserved` and past expiry, in (orderId, productId) order; one reservation per order. */
  lockExpiredReservations(orderIds: string[]): Promise<Reservation[]>;
  /** The products with these ids (any status). */
  findProductsForSale(productIds: string[]): Promise<Map<string, ProductForSale>>;
  /** Records the lines as `reserved` until now + ttl; DuplicateKeyError when the order has rows already (a concurrent duplicate). */
  insertReservation(orderId: string, lines: ReservationLine[], ttlSeconds: number): Promise<Date>;
  /**
   * The one conditional statement that reserves: `reserved += quantity` only if the product is active and
   * `on_hand - reserved >= quantity`. Undefined when it is not (nothing changed): concurrent callers cannot oversell.
   */
  reserveUnits(line: RequestedLine): Promise<StockAfterChange | undefined>;
  /** Adds the deltas to a product's on hand and reserved figures (the table's checks keep both within bounds). */
  adjustStock(productId: string, delta: { onHand: number; reserved: number }): Promise<StockAfterChange>;
  /** Sets the status of every line of these orders. */
  setReservationStatus(orderIds: string[], status: ReservationStatus): Promise<void>;
  /** Writes an inventory event to the outbox, published after commit. */
  enqueueInventoryEvent(type: string, subject: string, data: unknown): Promise<void>;
}

/** A serialized product representation with its entity tag, as the read path caches it. */
export interface CachedRepresentation {
  productId: string;
  sku: string;
  body: string;
  etag: string;
}

/** Port: the read-through cache of public product representations (state store with TTL). */
export interface ProductCache {
  /** The cached representation under an id or SKU. */
  get(ref: { id: string } | { sku: string }): Promise<CachedRepresentation | undefined>;
  /** Caches a representation under the product's id and SKU. */
  put(representation: CachedRepresentation): Promise<void>;
  /** Forgets the product under its id and every SKU given (old and new). */
  invalidate(productId: string, skus: string[]): Promise<void>;
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
