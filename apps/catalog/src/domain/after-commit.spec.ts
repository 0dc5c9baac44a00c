import { silentLogger } from '@shop/kernel';
import { AfterCommit } from './after-commit';
import type { ProductCache } from './ports';

function cacheRecording(failFor?: string): { cache: ProductCache; invalidated: Array<[string, string[]]> } {
  const invalidated: Array<[string, string[]]> = [];
  const cache: ProductCache = {
    get: () => Promise.resolve(undefined),
    put: () => Promise.resolve(),
    invalidate: (productId, skus) => {
      invalidated.push([productId, skus]);
      return productId === failFor ? Promise.reject(new Error('state store down')) : Promise.resolve();
    },
  };
  return { cache, invalidated };
}

describe('after commit', () => {
  it('when a transaction changed products, then the relay is nudged once and each product is dropped under its id and distinct SKUs', async () => {
    const { cache, invalidated } = cacheRecording();
    let nudges = 0;
    await new AfterCommit({ cache, onEventsCommitted: () => (nudges += 1), logger: silentLogger }).productsChanged([
      { id: 'p1', skus: ['OLD', 'NEW', 'NEW'] },
      { id: 'p2', skus: ['P2'] },
    ]);
    expect(nudges).toBe(1);
    expect(invalidated).toEqual([
      ['p1', ['OLD', 'NEW']],
      ['p2', ['P2']],
    ]);
  });

  it('when nothing changed, then neither the relay nor the cache is touched', async () => {
    const { cache, invalidated } = cacheRecording();
    let nudges = 0;
    await new AfterCommit({ cache, onEventsCommitted: () => (nudges += 1), logger: silentLogger }).productsChanged([]);
    expect(nudges).toBe(0);
    expect(invalidated).toEqual([]);
  });

  it('when one invalidation fails, then it is logged, the others still run and the write is not failed', async () => {
    const { cache, invalidated } = cacheRecording('p1');
    const warnings: unknown[] = [];
    const logger = { ...silentLogger, warn: (details: object) => void warnings.push(details) };
    await expect(new AfterCommit({ cache, onEventsCommitted: () => undefined, logger }).productsChanged([{ id: 'p1', skus: ['A'] }, { id: 'p2', skus: ['B'] }])).resolves.toBeUndefined();
    expect(invalidated.map(([id]) => id)).toEqual(['p1', 'p2']);
    expect(warnings).toEqual([expect.objectContaining({ productId: 'p1' })]);
  });
});
