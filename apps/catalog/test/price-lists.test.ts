import { adminProductViewSchema, productPageSchema, productViewSchema } from '@shop/contracts';
import type { Database, SqlExecutor } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import { priceListPolicyOf } from '../src/composition';
import { completePriceLists, completePriceListsOnPolicyChange } from '../src/data/product-tables';
import { buildHarness, catalogDatabases, createProduct, tokens, type CatalogHarness } from './catalog-harness';

const rates = { EUR: '1', USD: '1.08', GBP: '0.85', JPY: '162.5' };

describeEachDatabase<Database>('catalog price lists per market', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;
  let lamp: { id: string };
  let kettle: { id: string };
  beforeAll(async () => {
    harness = await buildHarness(getDb(), { priceConversionRates: rates });
    lamp = (await createProduct(harness, { sku: 'PL-LAMP', name: 'Price list lamp', price: { amount: 1999, currency: 'EUR' } })).body;
    kettle = (await createProduct(harness, { sku: 'PL-KETTLE', name: 'Price list kettle', price: { amount: 2400, currency: 'USD' } })).body;
  });
  afterAll(() => harness?.close());

  it('when a product is created, then its price list holds its own price and one derived price per market currency, in ISO 4217 minor units', async () => {
    const response = await harness.http.get(`/api/catalog/admin/products/${lamp.id}`).set('Authorization', `Bearer ${tokens.admin}`).expect(200);
    expect(adminProductViewSchema.parse(response.body).prices).toEqual([
      { amount: 1999, currency: 'EUR', derived: false },
      { amount: 1699, currency: 'GBP', derived: true },
      { amount: 3248, currency: 'JPY', derived: true },
      { amount: 2159, currency: 'USD', derived: true },
    ]);
  });

  it.each([
    ['?market=jp', {}, { amount: 3248, currency: 'JPY' }],
    ['', { Cookie: 'shop_market=uk' }, { amount: 1699, currency: 'GBP' }],
    ['', { 'X-Client-Country': 'US' }, { amount: 2159, currency: 'USD' }],
    ['', {}, { amount: 1999, currency: 'EUR' }],
  ])('when the product is read with %p %p, then it is priced in that market currency and the answer varies by what chose it', async (query, headers, price) => {
    const response = await harness.http.get(`/api/catalog/products/${lamp.id}${query}`).set(headers).expect(200);
    expect(response.headers.vary).toBe('Cookie, X-Client-Country, Accept-Language');
    expect(productViewSchema.parse(response.body).price).toEqual(price);
  });

  it('when the same cached product is read in two markets, then each gets its own representation and entity tag', async () => {
    const eu = await harness.http.get(`/api/catalog/products/${lamp.id}?market=eu`).expect(200);
    const jp = await harness.http.get(`/api/catalog/products/${lamp.id}?market=jp`).expect(200);
    expect(eu.headers.etag).not.toBe(jp.headers.etag);
    await harness.http.get(`/api/catalog/products/${lamp.id}?market=jp`).set('If-None-Match', eu.headers.etag).expect(200);
    await harness.http.get(`/api/catalog/products/${lamp.id}?market=jp`).set('If-None-Match', jp.headers.etag).expect(304);
  });

  it('when the catalog is searched in a market, then the price sort and the price filters use that market currency', async () => {
    const skus = async (query: string) =>
      productPageSchema.parse((await harness.http.get(`/api/catalog/products?q=price%20list&sort=price&${query}`).expect(200)).body).items.map((item) => [item.sku, item.price.currency, item.price.amount]);
    // EUR: the lamp 19.99 and the kettle 24.00 USD = 22.22 EUR.
    await expect(skus('market=eu')).resolves.toEqual([
      ['PL-LAMP', 'EUR', 1999],
      ['PL-KETTLE', 'EUR', 2222],
    ]);
    await expect(skus('market=jp&maxPrice=3300')).resolves.toEqual([['PL-LAMP', 'JPY', 3248]]);
    await expect(skus('market=us&minPrice=2200')).resolves.toEqual([['PL-KETTLE', 'USD', 2400]]);
  });

  it('when an unknown market is named on a product read or search, then the answer is a 400 problem', async () => {
    await harness.http.get(`/api/catalog/products/${kettle.id}?market=mars`).expect(400);
    const response = await harness.http.get('/api/catalog/products?market=mars').expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('when the rates change, then completing the price lists converts the derived prices again and keeps the base price, and a second run changes nothing', async () => {
    const db = getDb();
    const policy = priceListPolicyOf({ markets: [{ id: 'jp', name: 'Japan', currency: 'JPY', defaultLocale: 'ja', countries: ['JP'], pricesIncludeTax: true }], defaultMarket: 'jp' }, { EUR: '1', USD: '1', JPY: '100' });
    await completePriceLists(db, policy, 1);
    const prices = async () =>
      (await db.query<{ currency: string; amount_minor: string; derived: boolean }>('SELECT currency, amount_minor, derived FROM product_prices WHERE product_id = $1 ORDER BY currency', [lamp.id])).rows.map((row) => [
        row.currency,
        Number(row.amount_minor),
        row.derived,
      ]);
    await expect(prices()).resolves.toEqual([
      ['EUR', 1999, false],
      ['JPY', 1999, true],
    ]);
    await completePriceLists(db, policy);
    await expect(prices()).resolves.toEqual([
      ['EUR', 1999, false],
      ['JPY', 1999, true],
    ]);
  });

  it('when the policy is unchanged since the last completion, then a start skips the pass; a pass cut short by a lost connection records nothing and the next start does it again', async () => {
    const db = getDb();
    const market = (id: string, currency: string) => ({ id, name: id, currency, defaultLocale: 'en', countries: [], pricesIncludeTax: true });
    const before = priceListPolicyOf({ markets: [market('eu', 'EUR'), market('us', 'USD')], defaultMarket: 'eu' }, { EUR: '1', USD: '2' });
    const after = priceListPolicyOf({ markets: [market('eu', 'EUR'), market('us', 'USD')], defaultMarket: 'eu' }, { EUR: '1', USD: '3' });
    const usdOfLamp = async () => Number((await db.query<{ amount_minor: string }>("SELECT amount_minor FROM product_prices WHERE product_id = $1 AND currency = 'USD'", [lamp.id])).rows[0]?.amount_minor);

    await expect(completePriceListsOnPolicyChange(db, before)).resolves.toBeGreaterThanOrEqual(2);
    await expect(completePriceListsOnPolicyChange(db, { currencies: ['USD', 'EUR'], rates: { USD: '2', EUR: '1' } })).resolves.toBe(0);
    expect(await usdOfLamp()).toBe(3998);

    // The connection is lost after the pass has rewritten its first page (one product): nothing of it may stay.
    let statements = 0;
    const losesItsConnection = {
      transaction: <T>(work: (tx: SqlExecutor) => Promise<T>) =>
        db.transaction((tx) =>
          work({
            query: <R>(sql: string, params?: unknown[]) => {
              statements += 1;
              if (statements > 5) return Promise.reject(new Error('connection terminated unexpectedly'));
              return tx.query<R>(sql, params);
            },
          }),
        ),
    } as unknown as Database;
    await expect(completePriceListsOnPolicyChange(losesItsConnection, after, 1)).rejects.toThrow('connection terminated');
    expect(await usdOfLamp()).toBe(3998);

    await expect(completePriceListsOnPolicyChange(db, after, 1)).resolves.toBeGreaterThanOrEqual(2);
    expect(await usdOfLamp()).toBe(5997);
    await expect(completePriceListsOnPolicyChange(db, after)).resolves.toBe(0);
  });

  it('when admins edit the same product price at once, then one edit wins and the price list is the conversion of the winning price, never a mix', async () => {
    const admin = `Bearer ${tokens.admin}`;
    const created = await createProduct(harness, { sku: 'PL-RACE', name: 'Price list race', price: { amount: 1000, currency: 'EUR' } });
    const etag = created.etag;
    const amounts = [1100, 1200, 1300, 1400, 1500, 1600];
    const answers = await Promise.all(
      amounts.map((amount) =>
        harness.http
          .patch(`/api/catalog/products/${created.body.id}`)
          .set('Authorization', admin)
          .set('If-Match', etag)
          .set('Content-Type', 'application/merge-patch+json')
          .send(JSON.stringify({ price: { amount } })),
      ),
    );
    const winners = answers.filter((answer) => answer.status === 200);
    expect(winners).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 412)).toHaveLength(amounts.length - 1);
    const won = winners[0].body.price.amount as number;
    const view = adminProductViewSchema.parse((await harness.http.get(`/api/catalog/admin/products/${created.body.id}`).set('Authorization', admin).expect(200)).body);
    const usd = view.prices.find((price) => price.currency === 'USD');
    expect(view.prices.find((price) => price.currency === 'EUR')).toEqual({ amount: won, currency: 'EUR', derived: false });
    // The test's rates: 1.08 USD per EUR (whole cents for these amounts).
    expect(usd).toEqual({ amount: (won * 108) / 100, currency: 'USD', derived: true });
  });

  it('when an admin sets a market price, then it is kept as set through base price edits and supplier syncs; removing it derives the price again; one in the base currency is a 400', async () => {
    const admin = `Bearer ${tokens.admin}`;
    const pricesOf = async (id: string) => adminProductViewSchema.parse((await harness.http.get(`/api/catalog/admin/products/${id}`).set('Authorization', admin).expect(200)).body).prices;
    const patch = async (id: string, body: object) => {
      const current = await harness.http.get(`/api/catalog/admin/products/${id}`).set('Authorization', admin).expect(200);
      return harness.http.patch(`/api/catalog/products/${id}`).set('Authorization', admin).set('If-Match', current.headers.etag).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify(body));
    };
    const created = await createProduct(harness, { sku: 'PL-SET', name: 'Price list set', price: { amount: 1000, currency: 'EUR' }, marketPrices: [{ amount: 1500, currency: 'USD' }] });
    expect(created.body.prices).toEqual([
      { amount: 1000, currency: 'EUR', derived: false },
      { amount: 850, currency: 'GBP', derived: true },
      { amount: 1625, currency: 'JPY', derived: true },
      { amount: 1500, currency: 'USD', derived: false },
    ]);

    await patch(created.body.id, { price: { amount: 2000 } }).then((response) => expect(response.status).toBe(200));
    expect(await pricesOf(created.body.id)).toEqual(expect.arrayContaining([{ amount: 1700, currency: 'GBP', derived: true }, { amount: 1500, currency: 'USD', derived: false }]));
    const inUs = await harness.http.get(`/api/catalog/products/${created.body.id}?market=us`).expect(200);
    expect(inUs.body.price).toEqual({ amount: 1500, currency: 'USD' });

    // A supplier sync of a product an admin priced per market: the supplier's base price lands, the market price stays.
    const synced = { source: 'pim', products: [{ externalId: 'pl-synced', sku: 'PL-SYNCED', name: 'Synced', price: { amount: 1000, currency: 'EUR' } }] };
    await harness.http.post('/internal/catalog/products/bulk-upsert').set('Authorization', admin).send(synced).expect(200);
    const syncedId = (await harness.http.get('/api/catalog/products/PL-SYNCED').expect(200)).body.id as string;
    await patch(syncedId, { marketPrices: [{ amount: 999, currency: 'JPY' }] }).then((response) => expect(response.status).toBe(200));
    await harness.http.post('/internal/catalog/products/bulk-upsert').set('Authorization', admin).send({ ...synced, products: [{ ...synced.products[0], price: { amount: 1200, currency: 'EUR' } }] }).expect(200);
    expect(await pricesOf(syncedId)).toEqual(expect.arrayContaining([{ amount: 1200, currency: 'EUR', derived: false }, { amount: 999, currency: 'JPY', derived: false }, { amount: 1296, currency: 'USD', derived: true }]));

    await patch(created.body.id, { marketPrices: null }).then((response) => expect(response.status).toBe(200));
    expect(await pricesOf(created.body.id)).toEqual(expect.arrayContaining([{ amount: 2160, currency: 'USD', derived: true }]));

    const refused = await patch(created.body.id, { marketPrices: [{ amount: 1, currency: 'EUR' }] });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'body.marketPrices.0.currency' })]);
    expect(await pricesOf(created.body.id)).toEqual(expect.arrayContaining([{ amount: 2000, currency: 'EUR', derived: false }]));
  });
});
