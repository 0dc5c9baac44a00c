import { z } from 'zod';
import type { CloudEvent, DeliveryOutcome, EventBus, SubscriptionOptions } from '@shop/building-blocks';
import { EventTypes, Topics } from '@shop/contracts';
import type { Logger } from '@shop/kernel';
import type { CacheInvalidation, CacheInvalidationBroadcast, CatalogReadCache } from '../domain/ports';

/** Data of `catalog.cache_invalidated` on `Topics.catalogCache`: only catalog replicas publish and read it. */
export const cacheInvalidationDataSchema = z.object({ productIds: z.array(z.string().min(1).max(100)).max(10_000), lists: z.boolean() });

/** Publishes a commit's invalidation on the broadcast bus, for every catalog replica (this one included). */
export class CacheInvalidationPublisher implements CacheInvalidationBroadcast {
  constructor(private readonly broadcastBus: EventBus) {}

  async publish(change: CacheInvalidation): Promise<void> {
    await this.broadcastBus.publish<CacheInvalidation>(Topics.catalogCache, { type: EventTypes.catalogCacheInvalidated, data: change });
  }
}

/**
 * Handles `catalog.cache_invalidated`: this replica drops the products (and the list pages) from its L1, so its next
 * read goes to L2, which the publisher updated before publishing. Dropping twice is harmless: no inbox. Other types on
 * the topic: SUCCESS; a malformed event: DROP.
 */
export function cacheInvalidationHandler(cache: Pick<CatalogReadCache, 'forgetLocally'>, logger: Logger): (event: CloudEvent<unknown>) => Promise<DeliveryOutcome> {
  const handle = (event: CloudEvent<unknown>): DeliveryOutcome => {
    if (event.type !== EventTypes.catalogCacheInvalidated) return 'SUCCESS';
    const data = cacheInvalidationDataSchema.safeParse(event.data);
    if (!data.success) {
      logger.warn({ eventId: event.id, type: event.type }, 'malformed cache invalidation; dropping');
      return 'DROP';
    }
    cache.forgetLocally(data.data);
    return 'SUCCESS';
  };
  return (event) => Promise.resolve(handle(event));
}

/**
 * Subscribes the L1 of this replica to `Topics.catalogCache` on the broadcast bus. `subscription` must reach every
 * replica: `broadcastSubscription(AppIds.catalog, blocks.instanceId)`. Call before the bus starts.
 */
export function subscribeCacheInvalidations(broadcastBus: EventBus, cache: Pick<CatalogReadCache, 'forgetLocally'>, subscription: SubscriptionOptions, logger: Logger): void {
  broadcastBus.subscribe(Topics.catalogCache, cacheInvalidationHandler(cache, logger), subscription);
}

/** What a catalog event (`Topics.products`, `Topics.inventory`) says about the products it changed: an id, or lines. */
const changedProductsSchema = z.object({
  productId: z.string().min(1).max(100).optional(),
  sku: z.string().min(1).max(200).optional(),
  lines: z.array(z.object({ productId: z.string().min(1).max(100) })).max(10_000).optional(),
});

/** What the regional handler works with: the region's L2 (and this replica's L1), and the region's broadcast. */
export interface RegionalCacheInvalidationDeps {
  cache: Pick<CatalogReadCache, 'invalidate'>;
  broadcast: CacheInvalidationBroadcast;
  logger: Logger;
}

/**
 * Handles the catalog's own product and inventory events, once per region: the products they name leave the region's
 * L2 (and this replica's L1), and one broadcast tells the region's other replicas to drop them from L1, as
 * `AfterCommit` does for the region that committed the change. For a region that did not, it is the only way to hear
 * of it (its L2 is its own Redis); for the one that did, it repeats what it did, which costs one round trip. A cache
 * that cannot be reached: RETRY (the event is durable, the staleness bounded by the redelivery); malformed: DROP.
 */
export function regionalCacheInvalidationHandler(deps: RegionalCacheInvalidationDeps): (event: CloudEvent<unknown>) => Promise<DeliveryOutcome> {
  return async (event) => {
    const data = changedProductsSchema.safeParse(event.data);
    if (!data.success) {
      deps.logger.warn({ eventId: event.id, type: event.type }, 'catalog event without the products it changed; dropping');
      return 'DROP';
    }
    const { productId, sku, lines = [] } = data.data;
    const productIds = [...new Set([...(productId ? [productId] : []), ...lines.map((line) => line.productId)])];
    if (productIds.length === 0) return 'SUCCESS';
    try {
      await deps.cache.invalidate(productIds.map((id) => ({ id, skus: id === productId && sku ? [sku] : [] })));
    } catch (error) {
      deps.logger.warn({ err: error, eventId: event.id, productIds }, 'regional cache invalidation failed; will retry');
      return 'RETRY';
    }
    try {
      await deps.broadcast.publish({ productIds, lists: true });
    } catch (error) {
      deps.logger.warn({ err: error, productIds }, 'regional cache invalidation broadcast failed; other replicas may serve the old entries until their L1 TTL');
    }
    return 'SUCCESS';
  };
}

/**
 * Subscribes the region's caches to every product and inventory change, wherever it was committed. `subscription`
 * must reach every region once: `regionalSubscription(AppIds.catalog, region)` on `BuildingBlocks.regionalBus`.
 */
export function subscribeRegionalCacheInvalidations(regionalBus: EventBus, deps: RegionalCacheInvalidationDeps, subscription: SubscriptionOptions): void {
  const handler = regionalCacheInvalidationHandler(deps);
  regionalBus.subscribe(Topics.products, handler, subscription);
  regionalBus.subscribe(Topics.inventory, handler, subscription);
}
