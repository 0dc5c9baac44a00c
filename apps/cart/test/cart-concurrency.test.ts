import { EtagMismatchError, InMemoryStateStore, RedisStateStore, type SaveOptions, type StateStore } from '@shop/building-blocks';
import { describeWithBackend, uniqueTestTag } from '@shop/testing';
import { bearerFor, buildTestCart, cartOf, CountingStateStore, quantities, startTestCatalog, type TestCatalog, type TestProduct } from './cart-harness';

const PARALLEL_ADDS = 50;

/**
 * Adds 0-3 ms of latency to every call, as a network would: not a wait for anything, but what makes the read and the
 * save of one add far enough apart for other adds to slip in between.
 */
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

describe('concurrent changes to one cart', () => {
  let catalog: TestCatalog;
  let products: TestProduct[];

  beforeAll(async () => {
    catalog = await startTestCatalog();
    products = [];
    for (let i = 0; i < PARALLEL_ADDS; i += 1) products.push(await catalog.createProduct());
  }, 120_000);
  afterAll(() => catalog?.stop());

  /** Fires one add per product at once on one cart; every add must land. */
  async function addAllAtOnce(stateStore: StateStore, settings = {}): Promise<void> {
    // The catalog reads of 50 concurrent adds queue on one PGlite connection; on a busy 2-core machine one can pass
    // the default 3 s timeout (503). This test is about lost updates, not latency: give catalog time.
    const t = buildTestCart({ catalogUrl: catalog.url, stateStore, settings: { CART_MAX_LINES: PARALLEL_ADDS, CATALOG_TIMEOUT_MS: 20_000, ...settings } });
    const user = bearerFor(`concurrency-${uniqueTestTag()}`);
    const responses = await Promise.all(products.map((product) => t.http.post('/api/cart/items').set('Authorization', user).send({ productId: product.id, quantity: 1 })));
    expect(responses.map((response) => response.status)).toEqual(products.map(() => 200));
    const view = cartOf(await t.http.get('/api/cart').set('Authorization', user).expect(200));
    expect(view.lines).toHaveLength(PARALLEL_ADDS);
    expect(quantities(view)).toEqual(Object.fromEntries(products.map((product) => [product.id, 1])));
    expect(view.itemCount).toBe(PARALLEL_ADDS);
    // The adds really raced: saves lost to other writers and were run again. Without that this test would prove nothing.
    expect(t.store.conflicts).toBeGreaterThan(0);
  }

  it(`when ${PARALLEL_ADDS} different products are added to one cart at once (in-memory store), then all ${PARALLEL_ADDS} lines are there`, async () => {
    // A few ms of latency per call, as over a network: without it the in-memory store answers within one tick and
    // concurrent read-modify-writes would hardly ever overlap, so the test could not catch a lost update.
    await addAllAtOnce(new LaggingStateStore(new InMemoryStateStore()));
  }, 60_000);

  describeWithBackend('redis', 'on Redis', (url) => {
    let store: RedisStateStore;
    beforeAll(() => {
      // This suite is about ETag races, not timeouts (redis-outage.test.ts covers those): 50 racing writers on a CI
      // machine whose two cores run other suites too can see a healthy Redis answer later than the production limit.
      store = new RedisStateStore({ url, keyPrefix: `${uniqueTestTag('cart')}:`, commandTimeoutMs: 5_000 });
    });
    afterAll(() => store?.close());

    it(`when ${PARALLEL_ADDS} different products are added to one cart at once (Redis store), then all ${PARALLEL_ADDS} lines are there`, async () => {
      // Short TTLs: the test's keys clean themselves up.
      await addAllAtOnce(store, { USER_CART_TTL_SECONDS: 300, GUEST_CART_TTL_SECONDS: 300 });
    }, 60_000);
  });

  it('when every save keeps losing to another writer, then after the configured attempts the answer is 409 conflict and nothing changed', async () => {
    const alwaysStale = new (class extends CountingStateStore {
      override async save<T>(key: string, value: T, options?: SaveOptions): Promise<string> {
        if (options?.etag !== undefined || options?.onlyIfAbsent) throw new EtagMismatchError(key);
        return super.save(key, value, options);
      }
    })(new InMemoryStateStore());
    const t = buildTestCart({ catalogUrl: catalog.url, stateStore: alwaysStale, settings: { CART_WRITE_MAX_ATTEMPTS: 3 } });
    const user = bearerFor(`conflict-${uniqueTestTag()}`);
    const response = await t.http.post('/api/cart/items').set('Authorization', user).send({ productId: products[0].id, quantity: 1 }).expect(409);
    expect(response.type).toBe('application/problem+json');
    expect(response.body.detail).toMatch(/after 3 attempts/);
    expect(cartOf(await t.http.get('/api/cart').set('Authorization', user).expect(200)).lines).toEqual([]);
  });
});
