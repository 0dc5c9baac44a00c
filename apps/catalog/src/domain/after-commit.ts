import type { Logger } from '@shop/kernel';
import type { CacheInvalidationBroadcast, CatalogReadCache } from './ports';

/** A product a committed transaction changed: its cache entries, by id and by every SKU it had, must go. */
export interface TouchedProduct {
  id: string;
  skus: string[];
}

/** What follows every committed catalog write. */
export interface AfterCommitDeps {
  /** Public representations and list pages include availability, so every product or stock change drops them. */
  cache: CatalogReadCache;
  /** Tells every replica to drop the products from its L1 (and its list pages). */
  broadcast: CacheInvalidationBroadcast;
  /** Called after a transaction that enqueued events has committed (nudges the outbox relay). */
  onEventsCommitted: () => void;
  logger: Logger;
}

/**
 * The follow-up of a transaction that changed products and enqueued their events, shared by every writing service
 * (admin changes, the catalog sync and reservations alike): the outbox relay is nudged so the events go out now rather
 * than at its next poll; the products' L2 entries go and the list generation changes (one pipelined round trip), and
 * only then one broadcast tells every replica to drop them from L1 (sent after L2, so no replica refills L1 from the
 * old L2). Failures are only logged: the write has committed, and the L2 retry and the L1 TTL bound the staleness.
 */
export class AfterCommit {
  constructor(private readonly deps: AfterCommitDeps) {}

  /** Runs the follow-up for these products; nothing when the transaction changed none. */
  async productsChanged(touched: readonly TouchedProduct[]): Promise<void> {
    if (touched.length === 0) return;
    this.deps.onEventsCommitted();
    const products = touched.map(({ id, skus }) => ({ id, skus: [...new Set(skus)] }));
    const productIds = products.map((product) => product.id);
    try {
      await this.deps.cache.invalidate(products);
    } catch (error) {
      this.deps.logger.warn({ err: error, productIds }, 'product cache invalidation failed');
    }
    try {
      await this.deps.broadcast.publish({ productIds, lists: true });
    } catch (error) {
      this.deps.logger.warn({ err: error, productIds }, 'cache invalidation broadcast failed; other replicas may serve the old entries until their L1 TTL');
    }
  }
}
