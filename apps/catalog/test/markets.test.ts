import { marketListSchema, problemDocumentSchema } from '@shop/contracts';
import { describeEachDatabase } from '@shop/testing';
import type { Database } from '@shop/postgres';
import { loadCatalogConfig } from '../src/config';
import { buildHarness, catalogDatabases, type CatalogHarness } from './catalog-harness';

describeEachDatabase<Database>('catalog markets', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;
  beforeAll(async () => {
    harness = await buildHarness(getDb());
  });
  afterAll(() => harness?.close());

  const current = async (request: (test: ReturnType<CatalogHarness['http']['get']>) => ReturnType<CatalogHarness['http']['get']>, path = '/api/catalog/markets') => {
    const response = await request(harness.http.get(path)).expect(200);
    expect(response.headers.vary).toBe('Cookie, X-Client-Country, Accept-Language');
    return marketListSchema.parse(response.body).current;
  };

  it('when a request names its market several ways, then ?market= wins, then the cookie, then the country, then the language, then the default', async () => {
    const all = (test: ReturnType<CatalogHarness['http']['get']>) => test.set('Cookie', 'theme=dark; shop_market=uk').set('X-Client-Country', 'US').set('Accept-Language', 'ja');
    await expect(current(all, '/api/catalog/markets?market=jp')).resolves.toEqual({ market: 'jp', selectedBy: 'query' });
    await expect(current(all)).resolves.toEqual({ market: 'uk', selectedBy: 'cookie' });
    await expect(current((test) => test.set('X-Client-Country', 'US').set('Accept-Language', 'ja'))).resolves.toEqual({ market: 'us', selectedBy: 'country' });
    await expect(current((test) => test.set('Accept-Language', 'ja-JP,ja;q=0.9'))).resolves.toEqual({ market: 'jp', selectedBy: 'language' });
    await expect(current((test) => test)).resolves.toEqual({ market: 'eu', selectedBy: 'default' });
  });

  it('when the markets are listed, then each says its currency, default language, countries and whether prices include tax', async () => {
    const response = await harness.http.get('/api/catalog/markets').expect(200);
    const list = marketListSchema.parse(response.body);
    expect(list.defaultMarket).toBe('eu');
    expect(list.items.map((market) => [market.id, market.currency, market.pricesIncludeTax])).toEqual([
      ['eu', 'EUR', true],
      ['us', 'USD', false],
      ['uk', 'GBP', true],
      ['jp', 'JPY', true],
    ]);
  });

  it.each([
    ['?market=mars', {}, 'query.market'],
    ['', { Cookie: 'shop_market=atlantis' }, 'cookies.shop_market'],
    ['?market=eu&market=jp', {}, 'query.market'],
  ])('when the explicit market is %p %p, then the answer is a 400 problem naming %s', async (query, headers, field) => {
    const response = await harness.http.get(`/api/catalog/markets${query}`).set(headers).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = problemDocumentSchema.parse(response.body);
    expect(problem.errors?.map((entry) => entry.field)).toEqual([field]);
  });
});

describe('catalog market settings', () => {
  it('when MARKETS is not valid JSON, a country sits in two markets, or DEFAULT_MARKET is none of them, then the configuration is refused', () => {
    expect(() => loadCatalogConfig({ MARKETS: '[{' })).toThrow(/MARKETS/);
    const twice = JSON.stringify([
      { id: 'eu', name: 'Europe', currency: 'EUR', defaultLocale: 'en', countries: ['DE'], pricesIncludeTax: true },
      { id: 'de', name: 'Germany', currency: 'EUR', defaultLocale: 'de', countries: ['DE'], pricesIncludeTax: true },
    ]);
    expect(() => loadCatalogConfig({ MARKETS: twice })).toThrow(/one market/);
    expect(() => loadCatalogConfig({ DEFAULT_MARKET: 'jp', MARKETS: JSON.stringify([{ id: 'eu', name: 'Europe', currency: 'EUR', defaultLocale: 'en', countries: ['DE'], pricesIncludeTax: true }]) })).toThrow(/DEFAULT_MARKET/);
  });

  it('when MARKETS is unset, then the four built-in markets apply with eu the default', () => {
    const config = loadCatalogConfig({});
    expect(config.MARKETS.map((market) => market.id)).toEqual(['eu', 'us', 'uk', 'jp']);
    expect(config.DEFAULT_MARKET).toBe('eu');
  });
});
