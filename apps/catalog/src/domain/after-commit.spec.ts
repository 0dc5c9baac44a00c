import { silentLogger } from '@shop/kernel';
import { AfterCommit } from './after-commit';
import type { CacheInvalidation, CacheInvalidationBroadcast, CatalogReadCache } from './ports';

function recording(options: { cacheFails?: boolean; broadcastFails?: boolean } = {}) {
  const steps: string[] = [];
  const invalidated: Array<Array<{ id: string; skus: readonly string[] }>> = [];
  const published: CacheInvalidation[] = [];
  const cache: CatalogReadCache = {
    product: () => Promise.resolve(undefined),
    list: (_kind, _query, load) => load(),
    forgetLocally: () => undefined,
    invalidate: (products) => {
      steps.push('l2');
      invalidated.push([...products]);
      return options.cacheFails ? Promise.reject(new Error('state store down')) : Promise.resolve();
    },
  };
  const broadcast: CacheInvalidationBroadcast = {
    publish: (change) => {
      steps.push('broadcast');
      published.push(change);
      return options.broadcastFails ? Promise.reject(new Error('bus down')) : Promise.resolve();
    },
  };
  return { cache, broadcast, steps, invalidated, published };
}

describe('after commit', () => {
  it('when a transaction changed products, then the relay is nudged once, L2 drops each product under its id and distinct SKUs, and then one broadcast names them all with the lists', async () => {
    const { cache, broadcast, steps, invalidated, published } = recording();
    let nudges = 0;
    await new AfterCommit({ cache, broadcast, onEventsCommitted: () => (nudges += 1), logger: silentLogger }).productsChanged([
      { id: 'p1', skus: ['OLD', 'NEW', 'NEW'] },
      { id: 'p2', skus: ['P2'] },
    ]);
    expect(nudges).toBe(1);
    expect(invalidated).toEqual([
      [
        { id: 'p1', skus: ['OLD', 'NEW'] },
        { id: 'p2', skus: ['P2'] },
      ],
    ]);
    expect(published).toEqual([{ productIds: ['p1', 'p2'], lists: true }]);
    expect(steps).toEqual(['l2', 'broadcast']);
  });

  it('when nothing changed, then neither the relay, the cache nor the broadcast is touched', async () => {
    const { cache, broadcast, steps } = recording();
    let nudges = 0;
    await new AfterCommit({ cache, broadcast, onEventsCommitted: () => (nudges += 1), logger: silentLogger }).productsChanged([]);
    expect(nudges).toBe(0);
    expect(steps).toEqual([]);
  });

  it('when the L2 invalidation fails, then it is logged, the broadcast still goes out and the write is not failed', async () => {
    const { cache, broadcast, published } = recording({ cacheFails: true });
    const warnings: unknown[] = [];
    const logger = { ...silentLogger, warn: (details: object) => void warnings.push(details) };
    await expect(new AfterCommit({ cache, broadcast, onEventsCommitted: () => undefined, logger }).productsChanged([{ id: 'p1', skus: ['A'] }])).resolves.toBeUndefined();
    expect(published).toEqual([{ productIds: ['p1'], lists: true }]);
    expect(warnings).toEqual([expect.objectContaining({ productIds: ['p1'] })]);
  });

  it('when the broadcast fails, then it is logged and the write is not failed', async () => {
    const { cache, broadcast } = recording({ broadcastFails: true });
    const warnings: unknown[] = [];
    const logger = { ...silentLogger, warn: (details: object) => void warnings.push(details) };
    await expect(new AfterCommit({ cache, broadcast, onEventsCommitted: () => undefined, logger }).productsChanged([{ id: 'p1', skus: ['A'] }])).resolves.toBeUndefined();
    expect(warnings).toEqual([expect.objectContaining({ productIds: ['p1'] })]);
  });
});
