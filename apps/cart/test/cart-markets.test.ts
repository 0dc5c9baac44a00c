import { cartViewSchema } from '@shop/contracts';
import { bearerFor, buildTestCart, startTestCatalog, type TestCart, type TestCatalog, type TestProduct } from './cart-harness';

/** Rates for EUR, USD and JPY; none for GBP, so the uk market shows each product's own price. */
const rates = { EUR: '1', USD: '1.08', JPY: '162' };

describe('a cart belongs to one market', () => {
  let catalog: TestCatalog;
  let lantern: TestProduct;
  let teapot: TestProduct;
  let t: TestCart;
  let userCounter = 0;
  const newUser = () => bearerFor(`market-user-${(userCounter += 1)}`);
  const cartOf = (response: { body: unknown }) => cartViewSchema.parse(response.body);

  beforeAll(async () => {
    catalog = await startTestCatalog({ PRICE_CONVERSION_RATES: JSON.stringify(rates) });
    [lantern, teapot] = await Promise.all([
      catalog.createProduct({ name: 'Aurora Lantern', price: { amount: 1999, currency: 'EUR' } }),
      // Priced in yen of its own: converted for EUR and USD, but its own price in the uk market (no GBP rate).
      catalog.createProduct({ name: 'Iron Teapot', price: { amount: 4800, currency: 'JPY' } }),
    ]);
    t = buildTestCart({ catalogUrl: catalog.url, settings: { CATALOG_PRODUCT_CACHE_MS: 0 } });
  }, 60_000);
  afterAll(() => catalog?.stop());

  it("when the shopper's language is German or Japanese, then the cart names the lines in it where catalog has a translation, else in catalog's base name", async () => {
    const lamp = await catalog.createProduct({ name: 'Desk lamp', translations: { de: { name: 'Schreibtischlampe' }, ja: { name: 'デスクライト' } } });
    const user = newUser();
    const names = async (acceptLanguage: string) =>
      cartOf(await t.http.get('/api/cart').set('Authorization', user).set('Accept-Language', acceptLanguage).expect(200)).lines.map((line) => line.name);
    const added = cartOf(await t.http.post('/api/cart/items').set('Authorization', user).set('Accept-Language', 'de-AT, de;q=0.9').send({ productId: lamp.id, quantity: 1 }).expect(200));
    expect(added.lines.map((line) => line.name)).toEqual(['Schreibtischlampe']);
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: lantern.id, quantity: 1 }).expect(200);
    await expect(names('ja')).resolves.toEqual(['デスクライト', 'Aurora Lantern']);
    // A language catalog has no texts in falls back to the market's (the cart's eu: English), never an error.
    await expect(names('fr-FR')).resolves.toEqual(['Desk lamp', 'Aurora Lantern']);
  });

  it("when a shopper's first add comes from the jp market, then the cart is in that market and priced in yen by catalog's price list", async () => {
    const user = newUser();
    const view = cartOf(await t.http.post('/api/cart/items').set('Authorization', user).set('Cookie', 'shop_market=jp').send({ productId: lantern.id, quantity: 2 }).expect(200));
    expect(view.market).toBe('jp');
    // 19.99 EUR × 162 = 3238.38 JPY, rounded to whole yen (JPY has no minor unit).
    expect(view.lines[0]).toMatchObject({ unitPrice: { amount: 3238, currency: 'JPY' }, priceAtAdd: { amount: 3238, currency: 'JPY' }, priceChanged: false, repricedFrom: null });
    expect(view.subtotal).toEqual({ amount: 6476, currency: 'JPY' });

    // The cart keeps its market whatever market a later request comes from: only an explicit change moves it.
    const later = cartOf(await t.http.get('/api/cart').set('Authorization', user).set('Cookie', 'shop_market=us').expect(200));
    expect(later.market).toBe('jp');
    expect(later.subtotal).toEqual({ amount: 6476, currency: 'JPY' });
  });

  it('when the shopper changes the market, then every line is re-priced in its currency and flagged with its previous price until it changes again', async () => {
    const user = newUser();
    await t.http.post('/api/cart/items').set('Authorization', user).set('Cookie', 'shop_market=jp').send({ productId: lantern.id, quantity: 1 }).expect(200);
    const before = await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: teapot.id, quantity: 1 }).expect(200);

    const moved = await t.http.put('/api/cart/market').set('Authorization', user).send({ market: 'us' }).expect(200);
    const view = cartOf(moved);
    expect(view.market).toBe('us');
    expect(view.lines.map((line) => [line.name, line.unitPrice, line.repricedFrom, line.priceChanged])).toEqual([
      ['Aurora Lantern', { amount: 2159, currency: 'USD' }, { amount: 3238, currency: 'JPY' }, false],
      // 4800 JPY / 162 × 1.08 = 32.00 USD.
      ['Iron Teapot', { amount: 3200, currency: 'USD' }, { amount: 4800, currency: 'JPY' }, false],
    ]);
    expect(view.subtotal).toEqual({ amount: 5359, currency: 'USD' });
    // The lines changed, so a checkout priced from the old ones is refused.
    expect(moved.headers.etag).not.toBe(before.headers.etag);

    const changed = cartOf(await t.http.patch(`/api/cart/items/${lantern.id}`).set('Authorization', user).send({ quantity: 3 }).expect(200));
    expect(changed.lines.map((line) => line.repricedFrom)).toEqual([null, { amount: 4800, currency: 'JPY' }]);

    // The same market again changes nothing.
    const again = await t.http.put('/api/cart/market').set('Authorization', user).send({ market: 'us' }).expect(200);
    expect(again.headers.etag).toBe((await t.http.get('/api/cart').set('Authorization', user).expect(200)).headers.etag);
  });

  it('when the new market has no price for a line in its currency, then that line shows as unavailable and is left out of the subtotal', async () => {
    const user = newUser();
    await t.http.post('/api/cart/items').set('Authorization', user).set('Cookie', 'shop_market=eu').send({ productId: lantern.id, quantity: 1 }).expect(200);
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: teapot.id, quantity: 1 }).expect(200);

    // No GBP rate: catalog shows the lantern at its own 19.99 EUR and the teapot at its own 4800 JPY in the uk market.
    const view = cartOf(await t.http.put('/api/cart/market').set('Authorization', user).send({ market: 'uk' }).expect(200));
    expect(view.market).toBe('uk');
    expect(view.lines.map((line) => [line.name, line.unitPrice, line.availabilityIssue])).toEqual([
      ['Aurora Lantern', { amount: 1999, currency: 'EUR' }, null],
      ['Iron Teapot', null, 'unavailable'],
    ]);
    expect(view).toMatchObject({ subtotal: { amount: 1999, currency: 'EUR' }, hasAvailabilityIssues: true });
  });

  it('when a market nobody configured is asked for, by the body or by the cookie, then the answer is a 400 problem and nothing is written', async () => {
    const user = newUser();
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: lantern.id, quantity: 1 }).expect(200);
    const writes = t.store.writes;
    const byBody = await t.http.put('/api/cart/market').set('Authorization', user).send({ market: 'mars' }).expect(400);
    expect(byBody.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(byBody.body.errors).toEqual([expect.objectContaining({ field: 'body.market' })]);
    await t.http.put('/api/cart/market').set('Authorization', user).send({ market: 'EU!' }).expect(400);
    const byCookie = await t.http.post('/api/cart/items').set('Authorization', user).set('Cookie', 'shop_market=mars').send({ productId: teapot.id, quantity: 1 }).expect(400);
    expect(byCookie.body.errors).toEqual([expect.objectContaining({ field: 'cookies.shop_market' })]);
    expect(t.store.writes).toBe(writes);
  });

  it('when a guest without a cart changes market, then nothing is stored and the next add starts a cart in the market its request names', async () => {
    const writes = t.store.writes;
    const empty = cartOf(await t.http.put('/api/cart/market').send({ market: 'jp' }).expect(200));
    expect(empty).toMatchObject({ market: 'jp', cartId: null, lines: [] });
    expect(t.store.writes).toBe(writes);
    const added = cartOf(await t.http.post('/api/cart/items?market=jp').send({ productId: teapot.id, quantity: 1 }).expect(200));
    expect(added).toMatchObject({ market: 'jp', subtotal: { amount: 4800, currency: 'JPY' } });
    expect(added.cartId).toEqual(expect.any(String));
  });

  it('when a guest who shopped in the jp market signs in with an empty cart, then the user cart takes the guest market and its lines', async () => {
    const guest = await t.http.post('/api/cart/items?market=jp').send({ productId: lantern.id, quantity: 1 }).expect(200);
    const cartId = guest.headers['x-cart-id'];
    const merged = cartOf(await t.http.get('/api/cart').set('Authorization', newUser()).set('X-Cart-Id', cartId).expect(200));
    expect(merged).toMatchObject({ market: 'jp', owner: 'user', subtotal: { amount: 3238, currency: 'JPY' }, mergedGuestCart: true });
  });
});
