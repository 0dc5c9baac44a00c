import { randomUUID } from 'node:crypto';
import { EtagMismatchError, InMemoryStateStore, RedisStateStore, type SaveOptions, type StateStore } from '@shop/building-blocks';
import { CartInternalPaths, cartCheckoutRefusedProblemSchema, cartCheckoutSchema, releaseCartCheckoutReplySchema } from '@shop/contracts';
import { appApiTokenHeader } from '@shop/platform';
import { describeWithBackend, uniqueTestTag } from '@shop/testing';
import { bearerFor, buildTestCart, cartOf, CountingStateStore, quantities, startTestCatalog, type TestCart, type TestCatalog, type TestProduct } from './cart-harness';

const appApiToken = 'cart-checkouts-test-token';

/** The version a checkout takes a cart at: its ETag without W/ and quotes. */
function versionOf(response: { headers: Record<string, string> }): string {
  const etag = response.headers.etag;
  expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
  return etag.replace(/^W\/"|"$/g, '');
}

/** Adds 0-3 ms to every store call, as a network would, so that concurrent takes overlap (see cart-concurrency.test.ts). */
class LaggingStateStore extends CountingStateStore {
  private lag = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
  override async get<T>(key: string) {
    await this.lag();
    return super.get<T>(key);
  }
  override async save<T>(key: string, value: T, options?: SaveOptions): Promise<string> {
    await this.lag();
    return super.save(key, value, options);
  }
}

describe('a checkout takes the cart and gives it back (the internal checkout routes)', () => {
  let catalog: TestCatalog;
  let lantern: TestProduct;
  let stove: TestProduct;
  let tent: TestProduct;

  beforeAll(async () => {
    catalog = await startTestCatalog();
    [lantern, stove, tent] = await Promise.all([catalog.createProduct(), catalog.createProduct(), catalog.createProduct()]);
  }, 60_000);
  afterAll(() => catalog?.stop());

  function suite(storeOf: () => StateStore, settings = {}) {
    let t: TestCart;
    beforeAll(() => {
      t = buildTestCart({ catalogUrl: catalog.url, stateStore: storeOf(), settings: { APP_API_TOKEN: appApiToken, CART_MAX_LINE_QUANTITY: 5, ...settings } });
    });

    const newUser = () => `checkout-user-${uniqueTestTag()}`;
    const internal = (path: string) => t.http.post(path).set(appApiTokenHeader, appApiToken);
    const take = (userId: string, orderId: string, cartVersion: string) => internal(CartInternalPaths.checkouts(userId)).send({ orderId, cartVersion });
    const release = (userId: string, orderId: string) => internal(CartInternalPaths.releaseCheckout(userId, orderId));
    const add = (userId: string, product: TestProduct, quantity: number) => t.http.post('/api/cart/items').set('Authorization', bearerFor(userId)).send({ productId: product.id, quantity }).expect(200);
    const read = (userId: string) => t.http.get('/api/cart').set('Authorization', bearerFor(userId)).expect(200);

    it('when an order takes the cart at the version it read, then the lines are held for it, the cart shows none and the next add starts afresh; taking again answers the same', async () => {
      const userId = newUser();
      await add(userId, lantern, 2);
      const version = versionOf(await add(userId, stove, 1));
      expect(versionOf(await read(userId))).toBe(version);
      const orderId = randomUUID();

      const taken = await take(userId, orderId.toUpperCase(), version).expect(200);
      expect(taken.headers['cache-control']).toBe('no-store');
      expect(cartCheckoutSchema.parse(taken.body)).toEqual({ orderId, status: 'held', lines: [{ productId: lantern.id, quantity: 2 }, { productId: stove.id, quantity: 1 }] });
      expect(cartOf(await read(userId)).lines).toEqual([]);
      expect((await take(userId, orderId, version).expect(200)).body).toEqual(taken.body);

      expect(quantities(cartOf(await add(userId, lantern, 1)))).toEqual({ [lantern.id]: 1 });
      expect((await take(userId, orderId, 'any-version').expect(200)).body).toEqual(taken.body);
    });

    it('when the cart changed since the order read it, or another order took it, then 409 cart_changed and nothing moves', async () => {
      const userId = newUser();
      const version = versionOf(await add(userId, lantern, 1));
      await add(userId, lantern, 1);
      const changed = await take(userId, randomUUID(), version).expect(409);
      expect(changed.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(cartCheckoutRefusedProblemSchema.parse(changed.body)).toMatchObject({ reason: 'cart_changed', status: 409 });
      expect(quantities(cartOf(await read(userId)))).toEqual({ [lantern.id]: 2 });

      const current = versionOf(await read(userId));
      await take(userId, randomUUID(), current).expect(200);
      expect((await take(userId, randomUUID(), current).expect(409)).body).toMatchObject({ reason: 'cart_changed' });
      // An empty cart is never taken, whatever version is named.
      expect((await take(newUser(), randomUUID(), current).expect(409)).body).toMatchObject({ reason: 'cart_changed' });
    });

    it('when eight orders take one cart at once, then exactly one holds its lines and seven are refused', async () => {
      const userId = newUser();
      await add(userId, lantern, 3);
      const version = versionOf(await add(userId, tent, 1));
      const orders = Array.from({ length: 8 }, () => randomUUID());
      const answers = await Promise.all(orders.map((orderId) => take(userId, orderId, version)));
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
      const winner = answers.find((answer) => answer.status === 200)!;
      expect(winner.body.lines).toEqual([{ productId: lantern.id, quantity: 3 }, { productId: tent.id, quantity: 1 }]);
      expect(cartOf(await read(userId)).lines).toEqual([]);
    });

    it('when the order gives the cart back, then the held lines return in front of what was added since, capped per line; releasing again changes nothing', async () => {
      const userId = newUser();
      await add(userId, lantern, 4);
      const before = await read(userId);
      const orderId = randomUUID();
      await take(userId, orderId, versionOf(before)).expect(200);
      await add(userId, lantern, 3);
      await add(userId, tent, 1);

      const released = await release(userId, orderId).expect(200);
      expect(releaseCartCheckoutReplySchema.parse(released.body)).toEqual({ orderId, status: 'released' });
      const view = cartOf(await read(userId));
      expect(view.lines.map((line) => [line.productId, line.quantity])).toEqual([
        [lantern.id, 5],
        [tent.id, 1],
      ]);
      expect(view.lines[0].addedAt).toBe(cartOf(before).lines[0].addedAt);
      const writes = t.store.writes;
      expect((await release(userId, orderId).expect(200)).body).toEqual({ orderId, status: 'released' });
      expect(t.store.writes).toBe(writes);
      // Given back: the order cannot take the cart any more.
      expect((await take(userId, orderId, versionOf(await read(userId))).expect(409)).body).toMatchObject({ reason: 'checkout_released' });
    });

    it('when nothing was added meanwhile, then the cart given back is exactly the cart before, version included', async () => {
      const userId = newUser();
      await add(userId, lantern, 2);
      const before = await read(userId);
      const orderId = randomUUID();
      await take(userId, orderId, versionOf(before)).expect(200);
      await release(userId, orderId).expect(200);
      const after = await read(userId);
      expect(cartOf(after).lines).toEqual(cartOf(before).lines);
      expect(after.headers.etag).toBe(before.headers.etag);
    });

    it('when an order that took nothing releases, then the cart is untouched and a late take by that order is refused', async () => {
      const userId = newUser();
      const before = await add(userId, stove, 1);
      const orderId = randomUUID();
      expect((await release(userId, orderId).expect(200)).body).toEqual({ orderId, status: 'nothing_held' });
      expect((await take(userId, orderId, versionOf(before)).expect(409)).body).toMatchObject({ orderId, reason: 'checkout_released' });
      expect(quantities(cartOf(await read(userId)))).toEqual({ [stove.id]: 1 });
      expect((await read(userId)).headers.etag).toBe(before.headers.etag);
    });

    it('when the shopper clears the cart while an order holds its lines, then the hold survives and a release brings the lines back', async () => {
      const userId = newUser();
      const orderId = randomUUID();
      await take(userId, orderId, versionOf(await add(userId, lantern, 2))).expect(200);
      await add(userId, tent, 1);
      await t.http.delete('/api/cart').set('Authorization', bearerFor(userId)).expect(200);
      expect(cartOf(await read(userId)).lines).toEqual([]);
      await release(userId, orderId).expect(200);
      expect(quantities(cartOf(await read(userId)))).toEqual({ [lantern.id]: 2 });
    });

    it('when a caller lacks the app token, or sends malformed ids or bodies, then 401 or 400 and nothing is written', async () => {
      const userId = newUser();
      const version = versionOf(await add(userId, lantern, 1));
      const writes = t.store.writes;
      await t.http.post(CartInternalPaths.checkouts(userId)).send({ orderId: randomUUID(), cartVersion: version }).expect(401);
      await t.http.post(CartInternalPaths.releaseCheckout(userId, randomUUID())).expect(401);
      await take(userId, 'not-a-uuid', version).expect(400);
      await take(userId, randomUUID(), '').expect(400);
      await internal(CartInternalPaths.checkouts(userId)).send({ orderId: randomUUID(), cartVersion: version, lines: [] }).expect(400);
      await internal(CartInternalPaths.releaseCheckout(userId, 'nope')).expect(400);
      await release(userId, randomUUID()).send({ unexpected: true }).expect(400);
      expect(t.store.writes).toBe(writes);
      expect(quantities(cartOf(await read(userId)))).toEqual({ [lantern.id]: 1 });
    });
  }

  describe('in memory', () => {
    // A few ms per store call, so that concurrent takes really overlap.
    suite(() => new LaggingStateStore(new InMemoryStateStore()));

    it('when every save of a take keeps losing to other writers, then 409 without a reason (not a refusal) and the cart keeps its lines', async () => {
      const alwaysStale = new (class extends CountingStateStore {
        override async save<T>(key: string, value: T, options?: SaveOptions): Promise<string> {
          if (options?.etag !== undefined) throw new EtagMismatchError(key);
          return super.save(key, value, options);
        }
      })(new InMemoryStateStore());
      const t = buildTestCart({ catalogUrl: catalog.url, stateStore: alwaysStale, settings: { CART_WRITE_MAX_ATTEMPTS: 2 } });
      const userId = `stale-${uniqueTestTag()}`;
      const added = await t.http.post('/api/cart/items').set('Authorization', bearerFor(userId)).send({ productId: lantern.id, quantity: 1 }).expect(200);
      const answer = await t.http.post(CartInternalPaths.checkouts(userId)).send({ orderId: randomUUID(), cartVersion: versionOf(added) }).expect(409);
      expect(answer.body.reason).toBeUndefined();
      expect(answer.body.detail).toMatch(/after 2 attempts/);
      expect(quantities(cartOf(await t.http.get('/api/cart').set('Authorization', bearerFor(userId)).expect(200)))).toEqual({ [lantern.id]: 1 });
    });
  });

  describeWithBackend('redis', 'on Redis', (url) => {
    let store: RedisStateStore;
    beforeAll(() => {
      store = new RedisStateStore({ url, keyPrefix: `${uniqueTestTag('cart-checkouts')}:` });
    });
    afterAll(() => store?.close());
    // Short TTLs: the test's keys clean themselves up.
    suite(() => store, { USER_CART_TTL_SECONDS: 300, GUEST_CART_TTL_SECONDS: 300 });
  });
});
