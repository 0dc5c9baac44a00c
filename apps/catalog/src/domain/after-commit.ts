import type { Logger } from '@shop/kernel';
import type { ProductCache } from './ports';

/** A product a committed transaction changed: its cache entries, by id and by every SKU it had, must go. */
export interface TouchedProduct {
  id: string;
  skus: string[];
}

/** What follows every committed catalog write. */
export interface AfterCommitDeps {
  /** Public representations include availability, so every product or stock change drops them. */
  cache: ProductCache;
  /** Called after a transaction that enqueued events has committed (nudges the outbox relay). */
  onEventsCommitted: () => void;
  logger: Logger;
}

/**
 * The follow-up of a transaction that changed products and enqueued their events, shared by every writing service:
 * the outbox relay is nudged so the events go out now rather than at its next poll, and the products' cache entries
 * are dropped so the next read shows the change. A failed invalidation is only logged: the cache's TTL bounds how
 * long the stale entry can be served.
 */
export class AfterCommit {
  constructor(private readonly deps: AfterCommitDeps) {}

  /** Runs the follow-up for these products; nothing when the transaction changed none. */
  async productsChanged(touched: readonly TouchedProduct[]): Promise<void> {
    if (touched.length === 0) return;
    this.deps.onEventsCommitted();
    await Promise.all(
      touched.map(async ({ id, skus }) => {
        try {
          await this.deps.cache.invalidate(id, [...new Set(skus)]);
        } catch (error) {
          this.deps.logger.warn({ err: error, productId: id }, 'product cache invalidation failed');
        }
      }),
    );
  }
}
