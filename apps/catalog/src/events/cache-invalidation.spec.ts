import type { CloudEvent } from '@shop/building-blocks';
import { EventTypes } from '@shop/contracts';
import { silentLogger } from '@shop/kernel';
import type { CacheInvalidation } from '../domain/ports';
import { regionalCacheInvalidationHandler } from './cache-invalidation';

function eventOf(type: string, data: unknown): CloudEvent<unknown> {
  return { specversion: '1.0', id: `event-${type}`, source: 'catalog', type, time: new Date().toISOString(), datacontenttype: 'application/json', data };
}

/** A region's caches as the handler sees them: what it invalidated and broadcast, and failures on demand. */
function regionOf(options: { cacheFails?: boolean; broadcastFails?: boolean } = {}) {
  const invalidated: Array<{ id: string; skus: readonly string[] }> = [];
  const broadcasts: CacheInvalidation[] = [];
  const handler = regionalCacheInvalidationHandler({
    cache: {
      invalidate: async (products) => {
        if (options.cacheFails) throw new Error('redis unreachable');
        invalidated.push(...products);
      },
    },
    broadcast: {
      publish: async (change) => {
        if (options.broadcastFails) throw new Error('stream unreachable');
        broadcasts.push(change);
      },
    },
    logger: silentLogger,
  });
  return { handler, invalidated, broadcasts };
}

describe('the regional cache invalidation of a catalog event', () => {
  it('when a product event comes, then its product (and SKU) leave the region\'s caches and the region\'s replicas are told', async () => {
    const region = regionOf();
    expect(await region.handler(eventOf(EventTypes.productUpdated, { productId: 'p-1', sku: 'SKU-1', version: 2, changes: {}, actor: { system: 'test' } }))).toBe('SUCCESS');
    expect(region.invalidated).toEqual([{ id: 'p-1', skus: ['SKU-1'] }]);
    expect(region.broadcasts).toEqual([{ productIds: ['p-1'], lists: true }]);
  });

  it('when a reservation event comes, then every product of its lines leaves the caches once', async () => {
    const region = regionOf();
    const lines = [{ productId: 'p-1', quantity: 1 }, { productId: 'p-2', quantity: 2 }, { productId: 'p-1', quantity: 3 }];
    expect(await region.handler(eventOf(EventTypes.inventoryReserved, { orderId: 'o-1', lines, expiresAt: new Date().toISOString() }))).toBe('SUCCESS');
    expect(region.invalidated).toEqual([{ id: 'p-1', skus: [] }, { id: 'p-2', skus: [] }]);
    expect(region.broadcasts).toEqual([{ productIds: ['p-1', 'p-2'], lists: true }]);
  });

  it('when the event names no product, then nothing is touched; when its data is malformed, then it is dropped and nothing is touched', async () => {
    const region = regionOf();
    expect(await region.handler(eventOf(EventTypes.inventoryReleased, { orderId: 'o-1', lines: [], reason: 'released' }))).toBe('SUCCESS');
    expect(await region.handler(eventOf(EventTypes.productUpdated, { productId: 42 }))).toBe('DROP');
    expect(await region.handler(eventOf(EventTypes.inventoryReserved, { lines: 'p-1' }))).toBe('DROP');
    expect({ invalidated: region.invalidated, broadcasts: region.broadcasts }).toEqual({ invalidated: [], broadcasts: [] });
  });

  it('when the region\'s cache cannot be reached, then the event is retried and no replica is told (it would refill from the old L2); a failed broadcast alone still succeeds', async () => {
    const unreachable = regionOf({ cacheFails: true });
    expect(await unreachable.handler(eventOf(EventTypes.productDeleted, { productId: 'p-1', sku: 'SKU-1', actor: { system: 'test' } }))).toBe('RETRY');
    expect(unreachable.broadcasts).toEqual([]);
    const silent = regionOf({ broadcastFails: true });
    expect(await silent.handler(eventOf(EventTypes.productDeleted, { productId: 'p-1', sku: 'SKU-1', actor: { system: 'test' } }))).toBe('SUCCESS');
    expect(silent.invalidated).toEqual([{ id: 'p-1', skus: ['SKU-1'] }]);
  });
});
