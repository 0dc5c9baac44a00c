import { setTimeout as sleep } from 'node:timers/promises';
import { HttpServiceInvoker } from '@shop/building-blocks';
import { AppIds } from '@shop/contracts';
import { bearerFor, buildTestCart, cartOf, quantities, startTestCatalog, untrustedBearer, type TestCart, type TestCatalog, type TestProduct } from './cart-harness';

/**
 * How long this suite's cart reuses catalog's answer for a product: the default, 1 s. The "still cached" assertion
 * needs the adds, catalog's changes and the cart read to fit inside it; 100 ms did not always on a loaded 2-core CI.
 */
const productCacheMs = 1000;

describe('cart lines: add, change, remove, totals and catalog data', () => {
  let catalog: TestCatalog;
  let lantern: TestProduct;
  let stove: TestProduct;
  let t: TestCart;
  let userCounter = 0;
  /** A fresh user per test, so tests do not share a cart. */
  const newUser = () => bearerFor(`lines-user-${(userCounter += 1)}`);

  beforeAll(async () => {
    catalog = await startTestCatalog();
    [lantern, stove] = await Promise.all([
      catalog.createProduct({ name: 'Aurora Lantern', price: { amount: 1999, currency: 'EUR' } }),
      catalog.createProduct({ name: 'Camp Stove', price: { amount: 4550, currency: 'EUR' } }),
    ]);
    t = buildTestCart({ catalogUrl: catalog.url, settings: { CART_MAX_LINE_QUANTITY: 5, CART_MAX_LINES: 3, CATALOG_PRODUCT_CACHE_MS: productCacheMs } });
  }, 60_000);
  afterAll(() => catalog?.stop());

  it('when items are added, changed and removed, then every answer is the whole cart with catalog names and integer totals', async () => {
    const user = newUser();
    let response = await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: lantern.id, quantity: 2 }).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: stove.id, quantity: 1 }).expect(200);
    response = await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: lantern.id, quantity: 1 }).expect(200);
    let view = cartOf(response);
    expect(view).toMatchObject({ owner: 'user', cartId: null, itemCount: 4, subtotal: { amount: 3 * 1999 + 4550, currency: 'EUR' }, hasAvailabilityIssues: false });
    expect(view.lines[0]).toMatchObject({
      productId: lantern.id,
      sku: lantern.sku,
      name: 'Aurora Lantern',
      quantity: 3,
      unitPrice: { amount: 1999, currency: 'EUR' },
      priceAtAdd: { amount: 1999, currency: 'EUR' },
      priceChanged: false,
      lineTotal: { amount: 5997, currency: 'EUR' },
      availability: { available: 100, inStock: true },
      availabilityIssue: null,
    });
    expect(Number.isInteger(view.subtotal.amount)).toBe(true);

    view = cartOf(await t.http.patch(`/api/cart/items/${lantern.id}`).set('Authorization', user).send({ quantity: 5 }).expect(200));
    expect(quantities(view)).toEqual({ [lantern.id]: 5, [stove.id]: 1 });
    view = cartOf(await t.http.patch(`/api/cart/items/${stove.id}`).set('Authorization', user).send({ quantity: 0 }).expect(200));
    expect(quantities(view)).toEqual({ [lantern.id]: 5 });
    view = cartOf(await t.http.delete(`/api/cart/items/${lantern.id}`).set('Authorization', user).expect(200));
    expect(view).toMatchObject({ lines: [], itemCount: 0, subtotal: { amount: 0, currency: null } });

    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: stove.id, quantity: 2 }).expect(200);
    view = cartOf(await t.http.delete('/api/cart').set('Authorization', user).expect(200));
    expect(view.lines).toEqual([]);
    expect(cartOf(await t.http.get('/api/cart').set('Authorization', user).expect(200)).lines).toEqual([]);
  });

  it('when patching a product that is not in the cart, then 404 and nothing is written', async () => {
    const user = newUser();
    const writes = t.store.writes;
    const response = await t.http.patch(`/api/cart/items/${lantern.id}`).set('Authorization', user).send({ quantity: 2 }).expect(404);
    expect(response.type).toBe('application/problem+json');
    expect(t.store.writes).toBe(writes);
  });

  it('when the admin changes price and stock in catalog, then once the cart\'s product cache has expired the cart shows the new price with both prices and the stock issue', async () => {
    const [kettle, mug, tent] = await Promise.all([catalog.createProduct(), catalog.createProduct({ onHand: 10 }), catalog.createProduct()]);
    const user = newUser();
    for (const [product, quantity] of [[kettle, 2], [mug, 4], [tent, 1]] as const) {
      await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: product.id, quantity }).expect(200);
    }
    await catalog.setPrice(kettle.id, 2499);
    await catalog.setStock(mug.id, 3);
    await catalog.setStock(tent.id, 0);
    // Within CATALOG_PRODUCT_CACHE_MS the cart still prices from catalog's previous answer...
    const cachedView = cartOf(await t.http.get('/api/cart').set('Authorization', user).expect(200));
    expect(cachedView.lines.find((l) => l.productId === kettle.id)).toMatchObject({ priceChanged: false, unitPrice: { amount: 1999, currency: 'EUR' } });
    // ...and after it, from catalog's current one.
    await sleep(productCacheMs + 50);

    const view = cartOf(await t.http.get('/api/cart').set('Authorization', user).expect(200));
    const line = (id: string) => view.lines.find((l) => l.productId === id)!;
    expect(line(kettle.id)).toMatchObject({
      priceChanged: true,
      priceAtAdd: { amount: 1999, currency: 'EUR' },
      unitPrice: { amount: 2499, currency: 'EUR' },
      lineTotal: { amount: 4998, currency: 'EUR' },
      availabilityIssue: null,
    });
    expect(line(mug.id)).toMatchObject({ priceChanged: false, availabilityIssue: 'insufficient_stock', availability: { available: 3, inStock: true } });
    expect(line(tent.id)).toMatchObject({ availabilityIssue: 'out_of_stock', availability: { available: 0, inStock: false } });
    expect(view.hasAvailabilityIssues).toBe(true);
    expect(view.subtotal).toEqual({ amount: 4998 + 4 * 1999 + 1999, currency: 'EUR' });
  });

  it('when a product in the cart is archived, then its line says unavailable and leaves the subtotal', async () => {
    const [lamp] = await Promise.all([catalog.createProduct()]);
    const user = newUser();
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: lamp.id, quantity: 1 }).expect(200);
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: stove.id, quantity: 1 }).expect(200);
    await catalog.archive(lamp.id);
    await sleep(productCacheMs + 50);
    const view = cartOf(await t.http.get('/api/cart').set('Authorization', user).expect(200));
    expect(view.lines.find((l) => l.productId === lamp.id)).toMatchObject({ availabilityIssue: 'unavailable', unitPrice: null, lineTotal: null, priceAtAdd: { amount: 1999 } });
    expect(view.subtotal).toEqual({ amount: 4550, currency: 'EUR' });
  });

  it('when adding an unknown, draft or archived product, then 422 says it is not for sale and nothing is written', async () => {
    const [draft, archived] = await Promise.all([catalog.createProduct({ status: 'draft' }), catalog.createProduct()]);
    await catalog.archive(archived.id);
    const user = newUser();
    const writes = t.store.writes;
    for (const productId of ['00000000-0000-4000-8000-000000000000', draft.id, archived.id]) {
      const response = await t.http.post('/api/cart/items').set('Authorization', user).send({ productId, quantity: 1 }).expect(422);
      expect(response.body).toMatchObject({ reason: 'product_unavailable', productId });
    }
    expect(t.store.writes).toBe(writes);
  });

  it('when adding a product in another currency than the cart, then 422 names both currencies', async () => {
    const dollars = await catalog.createProduct({ price: { amount: 1000, currency: 'USD' } });
    const user = newUser();
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: lantern.id, quantity: 1 }).expect(200);
    const response = await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: dollars.id, quantity: 1 }).expect(422);
    expect(response.body).toMatchObject({ reason: 'currency_mismatch', cartCurrency: 'EUR', productCurrency: 'USD' });
  });

  it('when a line would exceed the per-line cap or the cart the line limit, then 422 with the limit and the cart is unchanged', async () => {
    const user = newUser();
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: lantern.id, quantity: 4 }).expect(200);
    let response = await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: lantern.id, quantity: 2 }).expect(422);
    expect(response.body).toMatchObject({ reason: 'line_quantity_limit', maxLineQuantity: 5, quantityInCart: 4 });
    response = await t.http.patch(`/api/cart/items/${lantern.id}`).set('Authorization', user).send({ quantity: 6 }).expect(422);
    expect(response.body).toMatchObject({ reason: 'line_quantity_limit', maxLineQuantity: 5 });
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: lantern.id, quantity: 6 }).expect(422);

    const third = await catalog.createProduct();
    const fourth = await catalog.createProduct();
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: stove.id, quantity: 1 }).expect(200);
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: third.id, quantity: 1 }).expect(200);
    response = await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: fourth.id, quantity: 1 }).expect(422);
    expect(response.body).toMatchObject({ reason: 'too_many_lines', maxLines: 3 });
    expect(quantities(cartOf(await t.http.get('/api/cart').set('Authorization', user)))).toEqual({ [lantern.id]: 4, [stove.id]: 1, [third.id]: 1 });
  });

  describe('when the input is malformed, then a 4xx problem and nothing is written', () => {
    const cases: Array<[string, () => { method: 'post' | 'patch' | 'delete'; path: string; body?: unknown; raw?: string; headers?: Record<string, string> }, number]> = [
      ['quantity 0', () => ({ method: 'post', path: '/api/cart/items', body: { productId: lantern.id, quantity: 0 } }), 400],
      ['quantity -1', () => ({ method: 'post', path: '/api/cart/items', body: { productId: lantern.id, quantity: -1 } }), 400],
      ['quantity 1.5', () => ({ method: 'post', path: '/api/cart/items', body: { productId: lantern.id, quantity: 1.5 } }), 400],
      ['quantity 1e9', () => ({ method: 'post', path: '/api/cart/items', body: { productId: lantern.id, quantity: 1e9 } }), 400],
      ['quantity "3"', () => ({ method: 'post', path: '/api/cart/items', body: { productId: lantern.id, quantity: '3' } }), 400],
      ['no productId', () => ({ method: 'post', path: '/api/cart/items', body: { quantity: 1 } }), 400],
      ['a productId that is not a UUID', () => ({ method: 'post', path: '/api/cart/items', body: { productId: 'LANTERN-1', quantity: 1 } }), 400],
      ['an unknown key', () => ({ method: 'post', path: '/api/cart/items', body: { productId: lantern.id, quantity: 1, price: { amount: 1, currency: 'EUR' } } }), 400],
      ['no body', () => ({ method: 'post', path: '/api/cart/items' }), 400],
      ['a JSON array', () => ({ method: 'post', path: '/api/cart/items', body: [{ productId: lantern.id, quantity: 1 }] }), 400],
      ['invalid JSON', () => ({ method: 'post', path: '/api/cart/items', raw: '{"productId":', headers: { 'Content-Type': 'application/json' } }), 400],
      ['a form body', () => ({ method: 'post', path: '/api/cart/items', raw: `productId=${lantern.id}&quantity=1`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 415],
      ['patch quantity -1', () => ({ method: 'patch', path: `/api/cart/items/${lantern.id}`, body: { quantity: -1 } }), 400],
      ['patch quantity "2"', () => ({ method: 'patch', path: `/api/cart/items/${lantern.id}`, body: { quantity: '2' } }), 400],
      ['patch with an unknown key', () => ({ method: 'patch', path: `/api/cart/items/${lantern.id}`, body: { quantity: 1, note: 'x' } }), 400],
      ['patch of a non-UUID product', () => ({ method: 'patch', path: '/api/cart/items/not-a-uuid', body: { quantity: 1 } }), 400],
      ['delete of a non-UUID product', () => ({ method: 'delete', path: '/api/cart/items/not-a-uuid' }), 400],
      ['a malformed X-Cart-Id', () => ({ method: 'post', path: '/api/cart/items', body: { productId: lantern.id, quantity: 1 }, headers: { 'X-Cart-Id': 'abc' } }), 400],
      ['a malformed cart_id cookie', () => ({ method: 'post', path: '/api/cart/items', body: { productId: lantern.id, quantity: 1 }, headers: { Cookie: 'cart_id=../../etc' } }), 400],
      ['a token signed by an unknown key', () => ({ method: 'post', path: '/api/cart/items', body: { productId: lantern.id, quantity: 1 }, headers: { Authorization: untrustedBearer } }), 401],
    ];

    it.each(cases)('%s', async (_name, build, status) => {
      const user = newUser();
      await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: lantern.id, quantity: 2 }).expect(200);
      const writes = t.store.writes;
      const { method, path, body, raw, headers } = build();
      let call = t.http[method](path);
      if (!headers?.Authorization) call = call.set('Authorization', user);
      for (const [name, value] of Object.entries(headers ?? {})) call = call.set(name, value);
      const response = raw !== undefined ? await call.send(raw) : body !== undefined ? await call.send(body as object) : await call;
      expect(response.status).toBe(status);
      expect(response.type).toBe('application/problem+json');
      expect(t.store.writes).toBe(writes);
      expect(quantities(cartOf(await t.http.get('/api/cart').set('Authorization', user)))).toEqual({ [lantern.id]: 2 });
    });
  });

  it('when catalog cannot be reached, then reading or adding answers 503 problem with Retry-After, never 500', async () => {
    const user = newUser();
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: lantern.id, quantity: 1 }).expect(200);
    // The same state, but catalog's address points at a closed port.
    const down = buildTestCart({ catalogUrl: 'http://127.0.0.1:1', stateStore: t.store.inner });
    for (const response of [
      await down.http.get('/api/cart').set('Authorization', user),
      await down.http.post('/api/cart/items').set('Authorization', user).send({ productId: stove.id, quantity: 1 }),
    ]) {
      expect(response.status).toBe(503);
      expect(response.type).toBe('application/problem+json');
      expect(response.headers['retry-after']).toBeDefined();
    }
    const unconfigured = buildTestCart({ catalogUrl: catalog.url, stateStore: t.store.inner, invoker: new HttpServiceInvoker({ services: { [AppIds.auth]: catalog.url } }) });
    await unconfigured.http.get('/api/cart').set('Authorization', user).expect(503);
    expect(quantities(cartOf(await t.http.get('/api/cart').set('Authorization', user)))).toEqual({ [lantern.id]: 1 });
  });
});
