import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { CacheLookupRecorder } from '@shop/platform';
import { LIST_GENERATION_KEY, listCacheKey, listQueryHash, productCacheKey, skuCacheKey } from '../domain/cache-keys';
import type { CacheInvalidation, CachedRepresentation, CatalogReadCache } from '../domain/ports';
import type { CacheWrite, StateStoreCacheLayer } from './product-cache';

/** The sizes and lifetimes of the two levels (catalog settings L1_CACHE_*, PRODUCT_CACHE_TTL_SECONDS, LIST_CACHE_TTL_SECONDS). */
export interface ReadCacheSettings {
  /** Entries L1 holds at most, per kind (products with their SKU pointers; list pages). */
  l1MaxEntries: number;
  /** How long L1 keeps an entry (and the list generation): the bound of staleness should a broadcast be lost. 0: no L1. */
  l1TtlSeconds: number;
  /** L2 TTL of a product representation and of a SKU pointer. */
  productTtlSeconds: number;
  /** L2 TTL of a list page; 0: lists and searches are not cached at all. */
  listTtlSeconds: number;
}

/** Defaults of `ReadCacheSettings` (those of the catalog's configuration). */
export const defaultReadCacheSettings: ReadCacheSettings = { l1MaxEntries: 10_000, l1TtlSeconds: 60, productTtlSeconds: 86_400, listTtlSeconds: 3600 };

/** Where each layer counts its hits and misses (`cache_lookups_total{cache="catalog_product_l1"}` ...). */
export interface ReadCacheLookups {
  productL1?: CacheLookupRecorder;
  productL2?: CacheLookupRecorder;
  listL1?: CacheLookupRecorder;
  listL2?: CacheLookupRecorder;
}

/**
 * How long a product's L2 key holds a tombstone after a change. A read that loaded the product from the database
 * before the change and fills L2 after it would otherwise put the old representation back for PRODUCT_CACHE_TTL_SECONDS;
 * fills are create-only, so they cannot replace the tombstone. Reads meanwhile go to L1, then the database.
 */
export const TOMBSTONE_SECONDS = 10;

/** What L2 holds under a product key: the representation, or the tombstone of a change. */
type L2ProductEntry = CachedRepresentation | { tombstone: string };

/** A SKU pointer in L2. */
interface SkuPointer {
  productId: string;
}

function isRepresentation(entry: L2ProductEntry | undefined): entry is CachedRepresentation {
  return entry !== undefined && 'body' in entry;
}

/** The list generation outlives every list page by far; a generation that expired is simply created again. */
const GENERATION_TTL_SECONDS = 30 * 86_400;

function newGeneration(): string {
  return randomBytes(6).toString('hex');
}

/**
 * The catalog's read cache: L1 is an LRU in this process (bounded, TTL ≤ 5 minutes), L2 the state store (Redis), then
 * the loader (the database). Concurrent misses of one key in this process share one load (single-flight).
 *
 * L1 is kept right by the broadcast every commit publishes (`forgetLocally` on every replica); a lost broadcast is
 * bounded by the L1 TTL. A load that started before an invalidation in this process is answered but not kept in L1,
 * and later readers do not join it. List pages live under the list generation in L2, which every product change
 * replaces, so no old page is read again; L1 holds the generation for the L1 TTL (dropped by the broadcast).
 */
export class TwoLevelReadCache implements CatalogReadCache {
  /** `p:{id}` → representation, `s:{sku}` → product id. */
  private readonly products?: LRUCache<string, CachedRepresentation | string>;
  /** list query hash → `{ page }`. */
  private readonly lists?: LRUCache<string, { page: unknown }>;
  private readonly flights = new Map<string, Promise<unknown>>();
  /** A logical clock: when each product (and the lists) were last invalidated here, against when a load started. */
  private clock = 0;
  private readonly productInvalidatedAt: LRUCache<string, number>;
  private listsInvalidatedAt = 0;
  private generation?: { value: string; until: number };
  private generationFlight?: Promise<string | undefined>;

  constructor(
    private readonly l2: StateStoreCacheLayer,
    private readonly settings: ReadCacheSettings,
    private readonly lookups: ReadCacheLookups = {},
  ) {
    if (settings.l1TtlSeconds > 300) throw new RangeError('the L1 TTL must be at most 300 s');
    const ttl = settings.l1TtlSeconds * 1000;
    if (ttl > 0) {
      this.products = new LRUCache({ max: settings.l1MaxEntries, ttl, updateAgeOnGet: false });
      if (settings.listTtlSeconds > 0) this.lists = new LRUCache({ max: settings.l1MaxEntries, ttl: Math.min(ttl, settings.listTtlSeconds * 1000), updateAgeOnGet: false });
    }
    // Only loads that may still be running matter: a minute is far longer than any of them.
    this.productInvalidatedAt = new LRUCache({ max: Math.max(1000, settings.l1MaxEntries), ttl: 60_000 });
  }

  async product(ref: { id: string } | { sku: string }, load: () => Promise<CachedRepresentation | undefined>): Promise<CachedRepresentation | undefined> {
    const cached = this.productInL1(ref);
    if (cached) {
      this.lookups.productL1?.record('hit');
      return cached;
    }
    const flightKey = 'id' in ref ? `p:${ref.id}` : `s:${ref.sku}`;
    const running = this.flights.get(flightKey) as Promise<CachedRepresentation | undefined> | undefined;
    // Joining a load already on its way costs no query either: a hit.
    this.lookups.productL1?.record(running ? 'hit' : 'miss');
    if (running) return running;
    const startedAt = ++this.clock;
    return this.fly(flightKey, async () => {
      let representation = await this.productInL2(ref);
      if (!representation) {
        representation = await load();
        if (representation) await this.fillProductInL2(representation);
      }
      if (representation && (this.productInvalidatedAt.get(representation.productId) ?? 0) < startedAt) this.keepProductInL1(representation);
      return representation;
    });
  }

  async list<T>(kind: string, query: Readonly<Record<string, unknown>>, load: () => Promise<T>): Promise<T> {
    if (this.settings.listTtlSeconds <= 0) return load();
    const hash = listQueryHash(kind, query);
    const cached = this.lists?.get(hash);
    if (cached) {
      this.lookups.listL1?.record('hit');
      return cached.page as T;
    }
    const flightKey = `l:${hash}`;
    const running = this.flights.get(flightKey) as Promise<T> | undefined;
    this.lookups.listL1?.record(running ? 'hit' : 'miss');
    if (running) return running;
    const startedAt = ++this.clock;
    return this.fly(flightKey, async () => {
      const generation = await this.currentGeneration();
      const key = generation === undefined ? undefined : listCacheKey(generation, kind, query);
      const found = key === undefined ? undefined : await this.l2.get<{ page: T }>(key);
      this.lookups.listL2?.record(found ? 'hit' : 'miss');
      let page: T;
      if (found) page = found.page;
      else {
        page = await load();
        if (key !== undefined) await this.l2.fill(key, { page }, this.settings.listTtlSeconds);
      }
      if (this.listsInvalidatedAt < startedAt) this.lists?.set(hash, { page });
      return page;
    });
  }

  async invalidate(products: ReadonlyArray<{ id: string; skus: readonly string[] }>): Promise<void> {
    const tombstone = { tombstone: new Date().toISOString() };
    const writes: CacheWrite[] = [];
    for (const product of products) {
      writes.push({ key: productCacheKey(product.id), value: tombstone, ttlSeconds: TOMBSTONE_SECONDS });
      for (const sku of new Set(product.skus)) writes.push({ key: skuCacheKey(sku), delete: true });
    }
    writes.push({ key: LIST_GENERATION_KEY, value: newGeneration(), ttlSeconds: GENERATION_TTL_SECONDS });
    try {
      await this.l2.write(writes);
    } finally {
      // After L2 (a read in this process in between would otherwise take the old generation back into L1).
      this.forgetLocally({ productIds: products.map((product) => product.id), lists: true });
    }
  }

  forgetLocally(change: CacheInvalidation): void {
    if (change.productIds.length > 0) {
      const at = ++this.clock;
      for (const id of change.productIds) {
        this.productInvalidatedAt.set(id, at);
        this.products?.delete(`p:${id}`);
        this.flights.delete(`p:${id}`);
      }
      // A load by SKU names its product only when it ends: none running now may be joined any more.
      for (const key of this.flights.keys()) if (key.startsWith('s:')) this.flights.delete(key);
    }
    if (change.lists) {
      this.listsInvalidatedAt = ++this.clock;
      this.lists?.clear();
      this.generation = undefined;
      this.generationFlight = undefined;
      for (const key of this.flights.keys()) if (key.startsWith('l:')) this.flights.delete(key);
    }
  }

  /** Runs `work` as the one load of `key` in this process until it settles (or an invalidation detaches it). */
  private fly<R>(key: string, work: () => Promise<R>): Promise<R> {
    const running = work().finally(() => {
      if (this.flights.get(key) === running) this.flights.delete(key);
    });
    this.flights.set(key, running);
    return running;
  }

  private productInL1(ref: { id: string } | { sku: string }): CachedRepresentation | undefined {
    if (!this.products) return undefined;
    if ('id' in ref) return this.products.get(`p:${ref.id}`) as CachedRepresentation | undefined;
    const productId = this.products.get(`s:${ref.sku}`) as string | undefined;
    const representation = productId === undefined ? undefined : (this.products.get(`p:${productId}`) as CachedRepresentation | undefined);
    // A pointer outlives a SKU change only until the product is read again: then the SKUs disagree and it is a miss.
    return representation?.sku === ref.sku ? representation : undefined;
  }

  private keepProductInL1(representation: CachedRepresentation): void {
    this.products?.set(`p:${representation.productId}`, representation);
    this.products?.set(`s:${representation.sku}`, representation.productId);
  }

  private async productInL2(ref: { id: string } | { sku: string }): Promise<CachedRepresentation | undefined> {
    let found: CachedRepresentation | undefined;
    if ('id' in ref) {
      const entry = await this.l2.get<L2ProductEntry>(productCacheKey(ref.id));
      if (isRepresentation(entry)) found = entry;
    } else {
      const pointer = await this.l2.get<SkuPointer>(skuCacheKey(ref.sku));
      const entry = pointer ? await this.l2.get<L2ProductEntry>(productCacheKey(pointer.productId)) : undefined;
      if (isRepresentation(entry) && entry.sku === ref.sku) found = entry;
    }
    this.lookups.productL2?.record(found ? 'hit' : 'miss');
    return found;
  }

  private async fillProductInL2(representation: CachedRepresentation): Promise<void> {
    await Promise.all([
      // Create-only: a tombstone (a change since this load may have begun) stays until it expires.
      this.l2.fill(productCacheKey(representation.productId), representation, this.settings.productTtlSeconds, { onlyIfAbsent: true }),
      // Last write wins: a pointer is checked against the representation's SKU on every read.
      this.l2.fill(skuCacheKey(representation.sku), { productId: representation.productId } satisfies SkuPointer, this.settings.productTtlSeconds),
    ]);
  }

  /** The list generation: from L1 for the L1 TTL, else from L2 (created when there is none); undefined while L2 fails. */
  private currentGeneration(): Promise<string | undefined> {
    if (this.generation && this.generation.until > Date.now()) return Promise.resolve(this.generation.value);
    if (this.generationFlight) return this.generationFlight;
    const startedAt = ++this.clock;
    const flight = (async () => {
      let value = await this.l2.get<string>(LIST_GENERATION_KEY);
      if (value === undefined) {
        await this.l2.fill(LIST_GENERATION_KEY, newGeneration(), GENERATION_TTL_SECONDS, { onlyIfAbsent: true });
        value = await this.l2.get<string>(LIST_GENERATION_KEY);
      }
      if (value !== undefined && this.listsInvalidatedAt < startedAt && this.settings.l1TtlSeconds > 0) {
        this.generation = { value, until: Date.now() + this.settings.l1TtlSeconds * 1000 };
      }
      return value;
    })().finally(() => {
      if (this.generationFlight === flight) this.generationFlight = undefined;
    });
    this.generationFlight = flight;
    return flight;
  }
}
