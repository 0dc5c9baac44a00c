import { productPageSchema } from '@shop/contracts';
import { describeEachDatabase } from '@shop/testing';
import type { Database } from '@shop/postgres';
import { buildHarness, catalogDatabases, createProduct, tokens, type CatalogHarness } from './catalog-harness';

/** The database, with the product searches it is asked for counted (the search reads from the read pool). */
function countingSearches(db: Database): { db: Database; searches: () => number } {
  let searches = 0;
  const counted = new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property !== 'readQuery' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return (sql: string, params?: unknown[]) => {
        if (sql.includes(') hits')) searches += 1;
        return (value as Database['readQuery']).call(target, sql, params);
      };
    },
  });
  return { db: counted, searches: () => searches };
}

describeEachDatabase<Database>('public search results kept in the read cache (L1, L2) until a product changes', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;
  let counter: ReturnType<typeof countingSearches>;

  beforeAll(async () => {
    counter = countingSearches(getDb());
    harness = await buildHarness(counter.db);
  }, 60_000);
  afterAll(() => harness?.close());

  it('when twenty shoppers run the same search at once, in any parameter order, then the database answers it once and all get the same page', async () => {
    await createProduct(harness, { sku: 'KITE-1', name: 'Storm Kite', description: 'Flies in any wind', brand: 'Skyward' });
    const before = counter.searches();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => harness.http.get(i % 2 === 0 ? '/api/catalog/products?q=kite&limit=5' : '/api/catalog/products?limit=5&q=kite')),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(1);
    expect(productPageSchema.parse(answers[0].body).items.map((item) => item.sku)).toEqual(['KITE-1']);
    expect(answers[0].headers['content-type']).toBe('application/json; charset=utf-8');
    expect(counter.searches() - before).toBe(1);
  });

  // Was: the old price until the page expired (SEARCH_RESULTS_CACHE_MS). Now every product change retires every page.
  it('when a price changes, then the next search shows the new price, and repeating it is answered from the cache again', async () => {
    const { body, etag } = await createProduct(harness, { sku: 'GLIDER-1', name: 'Paper Glider', brand: 'Skyward', price: { amount: 1500, currency: 'EUR' } });
    const priceOf = async () => productPageSchema.parse((await harness.http.get('/api/catalog/products?q=glider').expect(200)).body).items[0]?.price.amount;
    expect(await priceOf()).toBe(1500);
    const searchesBefore = counter.searches();
    expect(await priceOf()).toBe(1500);
    expect(counter.searches()).toBe(searchesBefore);
    await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', `Bearer ${tokens.admin}`).set('If-Match', etag).send({ price: { amount: 1700, currency: 'EUR' } }).expect(200);
    expect(await priceOf()).toBe(1700);
    expect(counter.searches()).toBe(searchesBefore + 1);
    expect(await priceOf()).toBe(1700);
    expect(counter.searches()).toBe(searchesBefore + 1);
  });

  it('when searches differ in any parameter, then each is its own page', async () => {
    const before = counter.searches();
    await harness.http.get('/api/catalog/products?q=skyward&limit=1').expect(200);
    await harness.http.get('/api/catalog/products?q=skyward&limit=2').expect(200);
    await harness.http.get('/api/catalog/products?q=skyward&limit=2&sort=price').expect(200);
    expect(counter.searches() - before).toBe(3);
  });

  it('when a search is refused, then nothing is kept: the same bad request is refused again', async () => {
    for (let i = 0; i < 2; i++) {
      const response = await harness.http.get('/api/catalog/products?q=kite&cursor=not-a-cursor');
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
    }
  });
});
