import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import type { StateStore } from '@shop/building-blocks';
import type { Logger } from '@shop/kernel';
import type { CacheLookupRecorder } from '@shop/platform';
import type { CachedRepresentation, ProductCache } from '../domain/ports';

const keyPrefix = 'catalog:product:';

function keyOf(ref: { id: string } | { sku: string }): string {
  return 'id' in ref ? `${keyPrefix}id:${ref.id}` : `${keyPrefix}sku:${ref.sku}`;
}

/** How the product cache stops calling a failing state store, and when it tries again. */
export interface ProductCacheBreakerSettings {
  /** Failed state-store calls in a row that open the breaker. Default 3. */
  consecutiveFailures?: number;
  /** How long the breaker stays open before one trial call may go through (half-open). Default 5000 ms. */
  halfOpenAfterMs?: number;
}

/** Options of the state-store product cache. */
export interface StateStoreProductCacheOptions {
  ttlSeconds: number;
  logger: Logger;
  breaker?: ProductCacheBreakerSettings;
  /** Where hits and misses are counted (a miss reads the database; a failing store is a miss too). */
  lookups?: CacheLookupRecorder;
}

/**
 * Public product representations in the state store (Redis in Azure), under the product's id and under its SKU,
 * each with a TTL that bounds staleness should an invalidation be lost.
 *
 * The cache is an optimisation, so a failing state store must not cost the read path more than one bounded failure
 * (the store's own command timeout): its calls go through a circuit breaker, and while the store fails or the breaker
 * is open a read is a miss (the caller answers from the database) and a write is skipped. Only the opening and the
 * closing of the breaker are logged, not every request that bypassed the cache.
 */
export class StateStoreProductCache implements ProductCache {
  private readonly breaker: CircuitBreakerPolicy;

  constructor(
    private readonly store: StateStore,
    private readonly options: StateStoreProductCacheOptions,
  ) {
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: options.breaker?.halfOpenAfterMs ?? 5000,
      breaker: new ConsecutiveBreaker(options.breaker?.consecutiveFailures ?? 3),
    });
    this.breaker.onBreak((reason) =>
      options.logger.warn({ err: 'error' in reason ? reason.error : undefined }, 'product cache unavailable; reading products from the database until it recovers'),
    );
    this.breaker.onReset(() => options.logger.info({}, 'product cache recovered'));
  }

  /** True while the breaker keeps calls away from the state store (open, or half-open with its trial call out). */
  get bypassed(): boolean {
    return this.breaker.state !== CircuitState.Closed;
  }

  async get(ref: { id: string } | { sku: string }): Promise<CachedRepresentation | undefined> {
    let found: CachedRepresentation | undefined;
    try {
      found = (await this.breaker.execute(() => this.store.get<CachedRepresentation>(keyOf(ref))))?.value;
    } catch {
      // A miss: the breaker has counted the failure and logs when it opens.
      found = undefined;
    }
    this.options.lookups?.record(found ? 'hit' : 'miss');
    return found;
  }

  async put(representation: CachedRepresentation): Promise<void> {
    try {
      await this.breaker.execute(() =>
        Promise.all([
          this.store.save(keyOf({ id: representation.productId }), representation, { ttlSeconds: this.options.ttlSeconds }),
          this.store.save(keyOf({ sku: representation.sku }), representation, { ttlSeconds: this.options.ttlSeconds }),
        ]),
      );
    } catch {
      // Skipped: the next read fills the cache once the store is back.
    }
  }

  /**
   * Drops the entries. A failure is thrown (also while the breaker is open, without calling the store), so the
   * caller can log the lost invalidation: the entry then lives until its TTL.
   */
  async invalidate(productId: string, skus: string[]): Promise<void> {
    await this.breaker.execute(() =>
      Promise.all([this.store.delete(keyOf({ id: productId })), ...skus.map((sku) => this.store.delete(keyOf({ sku })))]),
    );
  }
}
