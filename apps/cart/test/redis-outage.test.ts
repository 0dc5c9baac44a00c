import request from 'supertest';
import { RedisStateStore, type SaveOptions } from '@shop/building-blocks';
import { describeWithBackend, eventually, startTcpProxy, uniqueTestTag, type TcpProxy } from '@shop/testing';
import { bearerFor, buildTestCart, cartOf, CountingStateStore, quantities, startTestCatalog, type TestCart, type TestCatalog, type TestProduct } from './cart-harness';

/** A state store that stalls the proxy just before a chosen cart write, as a Redis that stops answering mid-request. */
class StallingStateStore extends CountingStateStore {
  /** When set, the next save of a key starting with it pauses the proxy first. */
  stallBeforeSaveOf?: string;

  constructor(
    inner: RedisStateStore,
    private readonly proxy: () => TcpProxy,
  ) {
    super(inner);
  }

  override save<T>(key: string, value: T, options?: SaveOptions): Promise<string> {
    if (this.stallBeforeSaveOf !== undefined && key.startsWith(this.stallBeforeSaveOf)) {
      this.stallBeforeSaveOf = undefined;
      this.proxy().pause();
    }
    return super.save(key, value, options);
  }
}

/** One answer of the cart and how long it took. */
interface TimedAnswer {
  route: string;
  status: number;
  type: string;
  retryAfter: string | undefined;
  ms: number;
}

describeWithBackend('redis', 'cart while Redis is out', (redisUrl) => {
  let catalog: TestCatalog;
  let product: TestProduct;
  let proxy: TcpProxy;
  let keyPrefix: string;
  let store: RedisStateStore;
  let stalling: StallingStateStore;
  let t: TestCart;
  // Straight to Redis, past the proxy: what Redis really holds.
  let direct: RedisStateStore;

  beforeAll(async () => {
    catalog = await startTestCatalog();
    product = await catalog.createProduct();
  }, 60_000);
  afterAll(() => catalog?.stop());

  beforeEach(async () => {
    keyPrefix = `${uniqueTestTag('cart-outage')}:`;
    const target = new URL(redisUrl);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    store = new RedisStateStore({ url: proxy.urlFor(redisUrl), keyPrefix });
    direct = new RedisStateStore({ url: redisUrl, keyPrefix });
    stalling = new StallingStateStore(store, () => proxy);
    // Short TTLs: the test's keys clean themselves up.
    t = buildTestCart({ catalogUrl: catalog.url, stateStore: stalling, settings: { USER_CART_TTL_SECONDS: 300, GUEST_CART_TTL_SECONDS: 300 } });
  });

  afterEach(async () => {
    proxy.resume();
    await store.close();
    await direct.close();
    await proxy.close();
  });

  /** Every cart route once, as the user, each answer timed. */
  async function callEveryRoute(user: string): Promise<TimedAnswer[]> {
    const calls: Array<[string, () => request.Test]> = [
      ['GET /api/cart', () => t.http.get('/api/cart').set('Authorization', user)],
      ['POST /api/cart/items', () => t.http.post('/api/cart/items').set('Authorization', user).send({ productId: product.id, quantity: 1 })],
      ['PATCH /api/cart/items/:id', () => t.http.patch(`/api/cart/items/${product.id}`).set('Authorization', user).send({ quantity: 5 })],
      ['DELETE /api/cart/items/:id', () => t.http.delete(`/api/cart/items/${product.id}`).set('Authorization', user)],
      ['DELETE /api/cart', () => t.http.delete('/api/cart').set('Authorization', user)],
    ];
    const answers: TimedAnswer[] = [];
    for (const [route, call] of calls) {
      const started = Date.now();
      const response = await call();
      answers.push({ route, status: response.status, type: response.type, retryAfter: response.headers['retry-after'], ms: Date.now() - started });
    }
    return answers;
  }

  /** The cart's answers while Redis is out: every route 503 problem+json with Retry-After: 1, in under a second each. */
  async function expectFastHonestRefusals(user: string): Promise<void> {
    // Twice over: the first calls wait for the command timeout, the later ones meet the open breaker.
    const answers = [...(await callEveryRoute(user)), ...(await callEveryRoute(user))];
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 503, type: 'application/problem+json', retryAfter: '1' });
      expect(answer.ms).toBeLessThan(1000);
    }
  }

  async function expectNotReadyButLive(): Promise<void> {
    const readiness = await t.http.get('/readyz');
    expect(readiness.status).toBe(503);
    expect(readiness.body).toMatchObject({ status: 'not_ready', checks: [{ name: 'state-store', ok: false, error: 'The state store is unavailable; try again shortly' }] });
    await t.http.get('/healthz').expect(200);
  }

  /** After Redis is back: an add succeeds without a restart, within 10 s. */
  async function expectRecovery(user: string): Promise<void> {
    const resumedAt = Date.now();
    await eventually(async () => (await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: product.id, quantity: 1 })).status === 200, 10_000, 50);
    expect(Date.now() - resumedAt).toBeLessThan(10_000);
    await t.http.get('/readyz').expect(200);
  }

  it('when Redis stalls, then every cart route answers 503 with Retry-After in under a second, /readyz names the state store, /healthz stays up, and an add works again soon after Redis is back', async () => {
    const user = bearerFor(`outage-${uniqueTestTag()}`);
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: product.id, quantity: 2 }).expect(200);

    proxy.pause();
    await expectFastHonestRefusals(user);
    await expectNotReadyButLive();

    proxy.resume();
    await expectRecovery(user);
    // Nothing was written while Redis stalled: the two units from before, plus the one added after the recovery.
    expect(quantities(cartOf(await t.http.get('/api/cart').set('Authorization', user).expect(200)))).toEqual({ [product.id]: 3 });
  }, 30_000);

  it('when Redis is stopped, then every cart route answers 503 with Retry-After in under a second, /readyz names the state store, /healthz stays up, and an add works again soon after Redis is back', async () => {
    const user = bearerFor(`outage-${uniqueTestTag()}`);
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: product.id, quantity: 2 }).expect(200);

    proxy.refuse();
    await expectFastHonestRefusals(user);
    await expectNotReadyButLive();

    proxy.resume();
    await expectRecovery(user);
    expect(quantities(cartOf(await t.http.get('/api/cart').set('Authorization', user).expect(200)))).toEqual({ [product.id]: 3 });
  }, 30_000);

  it('when Redis stalls between the read and the write of an add, then the add answers 503, the write never lands later, and the retry adds the units once', async () => {
    const userId = `outage-${uniqueTestTag()}`;
    const user = bearerFor(userId);
    await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: product.id, quantity: 2 }).expect(200);
    const before = await direct.get(`cart:user:${userId}`);

    stalling.stallBeforeSaveOf = 'cart:user:';
    const started = Date.now();
    const refused = await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: product.id, quantity: 1 });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(Date.now() - started).toBeLessThan(1000);

    // Redis now receives the held write, past its deadline: it refuses it. The read behind it on the same connection
    // answers only once it has run.
    proxy.resume();
    expect(await store.get(`cart:user:${userId}`)).toEqual(before);
    const retried = await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: product.id, quantity: 1 }).expect(200);
    expect(quantities(cartOf(retried))).toEqual({ [product.id]: 3 });
  }, 30_000);
});
