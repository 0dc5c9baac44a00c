import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '@shop/kernel';
import type { ProductCatalog, ProductDetails } from '../domain/ports';
import { CachedProductCatalog } from './cached-product-catalog';

function product(id: string, amount: number): ProductDetails {
  return { id, sku: `SKU-${id}`, name: `Product ${id}`, imageUrl: null, price: { amount, currency: 'EUR' }, available: 5, inStock: true };
}

/** A catalog that counts its lookups and answers what `answer` says at the time of the call. */
function countingCatalog(answer: (productId: string, market: string, language?: string) => Promise<ProductDetails | undefined>): ProductCatalog & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    findProduct: (productId, market, language) => {
      calls.push([market === 'eu' ? undefined : market, language, productId].filter(Boolean).join(':'));
      return answer(productId, market, language);
    },
  };
}

describe('CachedProductCatalog', () => {
  it('when one product is looked up many times at once, then catalog is asked once and every caller gets its answer', async () => {
    const catalog = countingCatalog(async (id) => {
      await sleep(20);
      return product(id, 1999);
    });
    const cached = new CachedProductCatalog(catalog, { ttlMs: 1000, maxProducts: 100 });
    const answers = await Promise.all(Array.from({ length: 25 }, () => cached.findProduct('p1', 'eu')));
    expect(catalog.calls).toEqual(['p1']);
    expect(answers.every((answer) => answer?.price.amount === 1999)).toBe(true);
  });

  it('when the answer is older than the ttl, then catalog is asked again and a new price shows', async () => {
    let price = 1000;
    const catalog = countingCatalog(async (id) => product(id, price));
    const cached = new CachedProductCatalog(catalog, { ttlMs: 60, maxProducts: 100 });
    expect((await cached.findProduct('p1', 'eu'))?.price.amount).toBe(1000);
    price = 1200;
    expect((await cached.findProduct('p1', 'eu'))?.price.amount).toBe(1000);
    await sleep(90);
    expect((await cached.findProduct('p1', 'eu'))?.price.amount).toBe(1200);
    expect(catalog.calls).toHaveLength(2);
  });

  it('when catalog does not sell a product, then that answer is remembered too', async () => {
    const catalog = countingCatalog(async () => undefined);
    const cached = new CachedProductCatalog(catalog, { ttlMs: 1000, maxProducts: 100 });
    expect(await cached.findProduct('gone', 'eu')).toBeUndefined();
    expect(await cached.findProduct('gone', 'eu')).toBeUndefined();
    expect(catalog.calls).toEqual(['gone']);
  });

  it('when catalog fails, then the failure reaches the caller and is not remembered: the next lookup asks again', async () => {
    let failing = true;
    const catalog = countingCatalog(async (id) => {
      if (failing) throw new AppError('unavailable', 'catalog is down');
      return product(id, 500);
    });
    const cached = new CachedProductCatalog(catalog, { ttlMs: 1000, maxProducts: 100 });
    await expect(cached.findProduct('p1', 'eu')).rejects.toMatchObject({ type: 'unavailable' });
    failing = false;
    expect((await cached.findProduct('p1', 'eu'))?.price.amount).toBe(500);
    expect(catalog.calls).toEqual(['p1', 'p1']);
  });

  it('when more products are looked up than it keeps, then the least recently used are asked again', async () => {
    const catalog = countingCatalog(async (id) => product(id, 100));
    const cached = new CachedProductCatalog(catalog, { ttlMs: 10_000, maxProducts: 2 });
    for (const id of ['a', 'b', 'c', 'a']) await cached.findProduct(id, 'eu');
    expect(catalog.calls).toEqual(['a', 'b', 'c', 'a']);
  });

  it('when one product is looked up in two markets, then each market is asked and remembered apart', async () => {
    const catalog = countingCatalog(async (id, market) => ({ ...product(id, 1999), price: market === 'jp' ? { amount: 3248, currency: 'JPY' } : { amount: 1999, currency: 'EUR' } }));
    const cached = new CachedProductCatalog(catalog, { ttlMs: 1000, maxProducts: 100 });
    expect((await cached.findProduct('p1', 'eu'))?.price).toEqual({ amount: 1999, currency: 'EUR' });
    expect((await cached.findProduct('p1', 'jp'))?.price).toEqual({ amount: 3248, currency: 'JPY' });
    expect((await cached.findProduct('p1', 'jp'))?.price).toEqual({ amount: 3248, currency: 'JPY' });
    expect(catalog.calls).toEqual(['p1', 'jp:p1']);
  });

  it('when one product is looked up in two languages, then each language is asked and remembered apart', async () => {
    const catalog = countingCatalog(async (id, _market, language) => ({ ...product(id, 1999), name: language === 'de' ? 'Lampe' : 'Lamp' }));
    const cached = new CachedProductCatalog(catalog, { ttlMs: 1000, maxProducts: 100 });
    expect((await cached.findProduct('p1', 'eu', 'de'))?.name).toBe('Lampe');
    expect((await cached.findProduct('p1', 'eu'))?.name).toBe('Lamp');
    expect((await cached.findProduct('p1', 'eu', 'de'))?.name).toBe('Lampe');
    expect(catalog.calls).toEqual(['de:p1', 'p1']);
  });
});
