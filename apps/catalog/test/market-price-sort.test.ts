import { productPageSchema } from '@shop/contracts';
import type { Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import { SqlProductQueryRepository } from '../src/data/product-query.repository';
import type { SortPosition } from '../src/domain/product-search';
import { buildHarness, catalogDatabases, createProduct, type AdminProduct, type CatalogHarness } from './catalog-harness';

// No CHF rate: a CHF product has no USD row and is listed in the us market at its own CHF price, beside the others.
const rates = { EUR: '1', USD: '1.08', JPY: '162.5' };

/** A product as the us market lists it: its USD row, else its own price. */
interface Listed {
  id: string;
  sku: string;
  status: string;
  amount: number;
  currency: string;
}

const listedInUsd = (product: AdminProduct): Listed => {
  const usd = product.prices.find((price) => price.currency === 'USD');
  return { id: product.id, sku: product.sku, status: product.status, ...(usd ? { amount: usd.amount, currency: 'USD' } : product.price) };
};

/** The expected order of a price sort: by listed amount, then id (as the cursor's keyset orders). */
const byPrice = (a: Listed, b: Listed) => a.amount - b.amount || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describeEachDatabase<Database>('catalog price sort in a market with products missing its currency', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;
  const catalog: Listed[] = [];
  beforeAll(async () => {
    harness = await buildHarness(getDb(), { priceConversionRates: rates });
    const create = async (sku: string, overrides: Record<string, unknown>) => catalog.push(listedInUsd((await createProduct(harness, { sku, name: `Sort ${sku}`, ...overrides })).body));
    // Ties across both sides of the split: 1080 USD derived from EUR, set in USD, and a CHF price without a rate.
    await create('MPS-EUR-1000', { price: { amount: 1000, currency: 'EUR' } });
    await create('MPS-USD-1080', { price: { amount: 1080, currency: 'USD' } });
    await create('MPS-CHF-1080', { price: { amount: 1080, currency: 'CHF' } });
    await create('MPS-CHF-1080-B', { price: { amount: 1080, currency: 'CHF' } });
    // A CHF product an admin priced in USD has a USD row after all.
    await create('MPS-CHF-EXPLICIT', { price: { amount: 100, currency: 'CHF' }, marketPrices: [{ amount: 2700, currency: 'USD' }] });
    for (let n = 0; n < 8; n += 1) {
      await create(`MPS-EUR-${n}`, { price: { amount: 500 + n * 400, currency: 'EUR' } });
      await create(`MPS-CHF-${n}`, { price: { amount: 300 + n * 650, currency: 'CHF' } });
    }
    await create('MPS-EUR-2500-A', { price: { amount: 2500, currency: 'EUR' } });
    await create('MPS-EUR-2500-B', { price: { amount: 2500, currency: 'EUR' } });
    await create('MPS-USD-2700', { price: { amount: 2700, currency: 'USD' } });
    await create('MPS-CHF-2700', { price: { amount: 2700, currency: 'CHF' } });
    await create('MPS-DRAFT-EUR', { price: { amount: 1500, currency: 'EUR' }, status: 'draft' });
    await create('MPS-DRAFT-CHF', { price: { amount: 1500, currency: 'CHF' }, status: 'draft' });
    await create('MPS-ARCHIVED-CHF', { price: { amount: 900, currency: 'CHF' }, status: 'archived' });
  }, 60_000);
  afterAll(() => harness?.close());

  it('when the us market is paged by price, either way, with and without a price range, then every active product comes once, in order, at its listed price', async () => {
    const active = catalog.filter((product) => product.status === 'active');
    expect(active.filter((product) => product.currency === 'CHF').length).toBeGreaterThan(5);
    for (const sort of ['price', '-price'] as const) {
      for (const range of [{}, { minPrice: 1080, maxPrice: 2700 }, { minPrice: 1081 }, { maxPrice: 1080 }]) {
        const inRange = active.filter((product) => product.amount >= (range.minPrice ?? 0) && product.amount <= (range.maxPrice ?? Infinity));
        const expected = [...inRange].sort(byPrice);
        if (sort === '-price') expected.reverse();
        const seen: Array<{ sku: string; amount: number; currency: string }> = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const query = new URLSearchParams({ market: 'us', sort, limit: '4', ...Object.fromEntries(Object.entries(range).map(([key, value]) => [key, String(value)])), ...(cursor ? { cursor } : {}) });
          const page = productPageSchema.parse((await harness.http.get(`/api/catalog/products?${query.toString()}`).expect(200)).body);
          seen.push(...page.items.map((item) => ({ sku: item.sku, ...item.price })));
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor && pages < 50);
        const context = `${sort} ${JSON.stringify(range)}`;
        expect({ context, skus: seen.map((item) => item.sku) }).toEqual({ context, skus: expected.map((product) => product.sku) });
        expect(seen).toEqual(expected.map(({ sku, amount, currency }) => ({ sku, amount, currency })));
        expect(new Set(seen.map((item) => item.sku)).size).toBe(seen.length);
        expect(pages).toBe(Math.max(1, Math.ceil(expected.length / 4)));
      }
    }
  });

  it('when the repository pages a market by price over several statuses, then the products of every status merge in one order without gaps', async () => {
    const repository = new SqlProductQueryRepository(getDb());
    const statuses = ['active', 'draft'] as const;
    for (const sort of ['price', '-price'] as const) {
      const expected = catalog.filter((product) => (statuses as readonly string[]).includes(product.status) && product.amount >= 1000).sort(byPrice);
      if (sort === '-price') expected.reverse();
      const seen: Array<{ sku: string; listedPrice: number }> = [];
      let after: SortPosition | undefined;
      for (let pages = 0; pages < 50; pages += 1) {
        const hits = await repository.searchProducts({ statuses: [...statuses], currency: 'USD', minPrice: 1000, sort, limit: 3, after });
        const items = hits.slice(0, 3);
        seen.push(...items.map((hit) => ({ sku: hit.sku, listedPrice: hit.listedPrice })));
        const last = items.at(-1);
        if (hits.length <= 3 || !last) break;
        after = { sort, price: last.listedPrice, id: last.id };
      }
      expect(seen).toEqual(expected.map((product) => ({ sku: product.sku, listedPrice: product.amount })));
    }
  });
});
