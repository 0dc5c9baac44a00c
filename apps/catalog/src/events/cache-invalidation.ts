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
