import { LRUCache } from 'lru-cache';
import type { CacheLookupRecorder } from '@shop/platform';
import type { ProductCatalog, ProductDetails } from '../domain/ports';

/** What a product lookup remembered: the product, or that catalog does not sell it. */
type Remembered = { product: ProductDetails | undefined };

/**
 * Catalog's product data, remembered for a moment. A shopper's add prices the product, and the order's read of the
 * cart a few milliseconds later prices it again: under a sale's load that was one catalog call per line per cart
 * read, most of catalog's and a good part of the cart's CPU per checkout. Concurrent lookups of one product share one
 * call, and an answer is kept for `ttlMs` at most, so a price or stock change shows in carts within that time. What a
 * shopper pays is never taken from here: the order is priced by catalog's reservation, inside its transaction.
 * Failures are not remembered: the next lookup asks catalog again.
 */
export class CachedProductCatalog implements ProductCatalog {
  private readonly cache: LRUCache<string, Remembered>;

  constructor(
    private readonly catalog: ProductCatalog,
    private readonly options: { ttlMs: number; maxProducts: number; lookups?: CacheLookupRecorder },
  ) {
    this.cache = new LRUCache<string, Remembered>({
      max: options.maxProducts,
      ttl: options.ttlMs,
      // The time an answer arrived, not the time it was last read: a hot product is asked again every ttlMs.
      updateAgeOnGet: false,
      // Keyed by market, language and product: the same product has a price per market and a name per language.
      fetchMethod: async (key) => {
        const [market, language, productId] = key.split(' ', 3);
        return { product: await this.catalog.findProduct(productId, market, language === '' ? undefined : language) };
      },
    });
  }

  async findProduct(productId: string, market: string, language?: string): Promise<ProductDetails | undefined> {
    const status: LRUCache.Status<string, Remembered> = {};
    const remembered = await this.cache.fetch(`${market} ${language ?? ''} ${productId}`, { status });
    // Joining a lookup already on its way costs no catalog call either: a hit.
    this.options.lookups?.record(status.fetch === 'hit' || status.fetch === 'inflight' ? 'hit' : 'miss');
    return remembered?.product;
  }
}
