import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { InMemoryBroker, InMemoryEventBus, InMemoryStateStore, RedisStateStore, RedisStreamsEventBus, type CloudEvent, type EventBus, type StateStore } from '@shop/building-blocks';
import { AppIds, CartInternalPaths, EventTypes, Topics, type OrderEventData } from '@shop/contracts';
import { appApiTokenHeader, type RunningServer } from '@shop/platform';
import { createBuildingBlocks, createEmbeddedBuildingBlocks, type BuildingBlocks } from '@shop/service-runtime';
import { describeWithBackend, eventually, uniqueTestTag } from '@shop/testing';
import { loadCartConfig, startCartService, type CartConfig } from '../src';
import { bearerFor, buildTestCart, cartOf, CountingStateStore, quantities, startTestCatalog, testLogger, testVerifier, type TestCart, type TestCatalog, type TestProduct } from './cart-harness';

/** The data order publishes with order.confirmed (the order contract's shape); `overrides` may break it on purpose. */
function confirmedOrderData(userId: string, lines: Array<{ productId: string; quantity: number }>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const data: OrderEventData = { orderId: randomUUID(), userId, status: 'confirmed', lines, total: { amount: 1999, currency: 'EUR' } };
  return { ...data, ...overrides };
}

function orderConfirmed(data: unknown, id = randomUUID()): CloudEvent<unknown> {
  return { specversion: '1.0', id, source: AppIds.order, type: EventTypes.orderConfirmed, time: new Date().toISOString(), datacontenttype: 'application/json', data };
}

/** The version a checkout takes a cart at: its ETag without W/ and quotes. */
function versionOf(response: { headers: Record<string, string> }): string {
  return response.headers.etag.replace(/^W\/"|"$/g, '');
}

/** The parts of a stored cart these tests look at. */
interface StoredCheckoutState {
  checkouts?: unknown[];
  settledCheckouts?: Array<{ orderId: string; outcome: string }>;
  appliedOrderEvents?: string[];
}

const appApiToken = 'order-confirmed-test-token';

/** Fills a user's cart through the API; answers the version of its lines after the last add. */
async function fillCart(http: ReturnType<typeof request>, userId: string, lines: Array<[TestProduct, number]>): Promise<string> {
  let version = '';
  for (const [product, quantity] of lines) {
    version = versionOf(await http.post('/api/cart/items').set('Authorization', bearerFor(userId)).send({ productId: product.id, quantity }).expect(200));
  }
  return version;
}

/** A cart the order `data` took: filled, then taken through the internal route, as the order service does. */
async function takenBy(http: ReturnType<typeof request>, data: Record<string, unknown>, lines: Array<[TestProduct, number]>): Promise<void> {
  const userId = data.userId as string;
  const version = await fillCart(http, userId, lines);
  await http.post(CartInternalPaths.checkouts(userId)).set(appApiTokenHeader, appApiToken).send({ orderId: data.orderId, cartVersion: version }).expect(200);
}

const cartQuantities = async (http: ReturnType<typeof request>, userId: string) => quantities(cartOf(await http.get('/api/cart').set('Authorization', bearerFor(userId)).expect(200)));

describe('order.confirmed drops the order’s hold on the cart, or takes the ordered units out of a cart the order never took', () => {
  let catalog: TestCatalog;
  let lantern: TestProduct;
  let stove: TestProduct;
  let tent: TestProduct;
  const newUserId = () => `order-user-${uniqueTestTag()}`;

  beforeAll(async () => {
    catalog = await startTestCatalog();
    [lantern, stove, tent] = await Promise.all([catalog.createProduct(), catalog.createProduct(), catalog.createProduct()]);
  }, 60_000);
  afterAll(() => catalog?.stop());

  function suite(storeOf: () => StateStore, settings = {}) {
    let t: TestCart;
    beforeAll(() => {
      t = buildTestCart({ catalogUrl: catalog.url, stateStore: storeOf(), settings: { APP_API_TOKEN: appApiToken, ...settings } });
    });
    const storedCart = async (userId: string) => (await t.store.get<StoredCheckoutState>(`cart:user:${userId}`))?.value;

    it('when an order that took the cart is confirmed, then its hold goes, the lines added since stay, and a redelivery changes nothing', async () => {
      const userId = newUserId();
      const data = confirmedOrderData(userId, [{ productId: lantern.id, quantity: 2 }, { productId: stove.id, quantity: 1 }]);
      await takenBy(t.http, data, [[lantern, 2], [stove, 1]]);
      // The shopper kept shopping after the checkout.
      await fillCart(t.http, userId, [[lantern, 1], [tent, 1]]);
      const event = orderConfirmed(data);

      expect(await t.cart.handleOrderConfirmed(event)).toBe('SUCCESS');
      expect(await cartQuantities(t.http, userId)).toEqual({ [lantern.id]: 1, [tent.id]: 1 });
      expect(await storedCart(userId)).toMatchObject({ checkouts: [], settledCheckouts: [{ orderId: data.orderId, outcome: 'completed' }], appliedOrderEvents: [] });
      expect(await t.store.get(`inbox:cart:${event.id}`)).toBeDefined();

      const writes = t.store.writes;
      expect(await t.cart.handleOrderConfirmed(event)).toBe('SUCCESS');
      expect(await cartQuantities(t.http, userId)).toEqual({ [lantern.id]: 1, [tent.id]: 1 });
      expect(t.store.writes).toBe(writes);
    });

    it('when the same event is delivered twice at the same time, or another event of the same order arrives, then the hold is dropped once and the lines stay', async () => {
      const userId = newUserId();
      const data = confirmedOrderData(userId, [{ productId: lantern.id, quantity: 2 }]);
      await takenBy(t.http, data, [[lantern, 2]]);
      await fillCart(t.http, userId, [[lantern, 3]]);
      const event = orderConfirmed(data);
      expect(await Promise.all([t.cart.handleOrderConfirmed(event), t.cart.handleOrderConfirmed(event), t.cart.handleOrderConfirmed(orderConfirmed(data))])).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
      expect(await cartQuantities(t.http, userId)).toEqual({ [lantern.id]: 3 });
      expect((await storedCart(userId))?.settledCheckouts).toEqual([expect.objectContaining({ orderId: data.orderId, outcome: 'completed' })]);
    });

    it('when an order the cart only has a record of (it gave the cart back) is confirmed, then the lines stay as they are', async () => {
      const userId = newUserId();
      const data = confirmedOrderData(userId, [{ productId: lantern.id, quantity: 2 }]);
      await fillCart(t.http, userId, [[lantern, 2]]);
      await t.http.post(CartInternalPaths.releaseCheckout(userId, data.orderId as string)).set(appApiTokenHeader, appApiToken).expect(200, { orderId: data.orderId, status: 'nothing_held' });
      expect(await t.cart.handleOrderConfirmed(orderConfirmed(data))).toBe('SUCCESS');
      expect(await cartQuantities(t.http, userId)).toEqual({ [lantern.id]: 2 });
    });

    it('when an order that never took the cart is confirmed (by an order service of the previous release, during a rolling deploy), then its units leave the lines once, however often and concurrently the event comes', async () => {
      const userId = newUserId();
      await fillCart(t.http, userId, [[lantern, 3], [stove, 1], [tent, 1]]);
      const event = orderConfirmed(confirmedOrderData(userId, [{ productId: lantern.id, quantity: 2 }, { productId: stove.id, quantity: 1 }]));

      expect(await Promise.all([t.cart.handleOrderConfirmed(event), t.cart.handleOrderConfirmed(event), t.cart.handleOrderConfirmed(event)])).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
      expect(await cartQuantities(t.http, userId)).toEqual({ [lantern.id]: 1, [tent.id]: 1 });
      expect(await storedCart(userId)).toMatchObject({ appliedOrderEvents: [event.id] });
      expect((await storedCart(userId))?.settledCheckouts ?? []).toEqual([]);
      expect(await t.store.get(`inbox:cart:${event.id}`)).toBeDefined();

      const writes = t.store.writes;
      expect(await t.cart.handleOrderConfirmed(event)).toBe('SUCCESS');
      expect(t.store.writes).toBe(writes);
      expect(await cartQuantities(t.http, userId)).toEqual({ [lantern.id]: 1, [tent.id]: 1 });
    });

    it('when an order that never took the cart is confirmed and the cart has none of its products, or there is no cart, then only the inbox entry is written', async () => {
      const userId = newUserId();
      await fillCart(t.http, userId, [[tent, 2]]);
      let writes = t.store.writes;
      expect(await t.cart.handleOrderConfirmed(orderConfirmed(confirmedOrderData(userId, [{ productId: lantern.id, quantity: 2 }])))).toBe('SUCCESS');
      expect(t.store.writes).toBe(writes + 1);
      expect(await cartQuantities(t.http, userId)).toEqual({ [tent.id]: 2 });

      const cartless = newUserId();
      writes = t.store.writes;
      expect(await t.cart.handleOrderConfirmed(orderConfirmed(confirmedOrderData(cartless, [{ productId: lantern.id, quantity: 2 }])))).toBe('SUCCESS');
      expect(t.store.writes).toBe(writes + 1);
      expect(await storedCart(cartless)).toBeUndefined();
    });

    it('when the data is malformed, then DROP and nothing is written; another order event type is acknowledged and ignored', async () => {
      const userId = newUserId();
      await fillCart(t.http, userId, [[lantern, 2]]);
      const writes = t.store.writes;
      // Each is a well-formed order.confirmed but for one flaw: no user, no lines, a negative quantity; or no object at all.
      const malformed = [
        confirmedOrderData(userId, [{ productId: lantern.id, quantity: 1 }], { userId: undefined }),
        confirmedOrderData(userId, []),
        confirmedOrderData(userId, [{ productId: lantern.id, quantity: -1 }]),
        'nonsense',
      ];
      for (const data of malformed) {
        expect(await t.cart.handleOrderConfirmed(orderConfirmed(data))).toBe('DROP');
      }
      const shipped = { ...orderConfirmed(confirmedOrderData(userId, [{ productId: lantern.id, quantity: 2 }], { status: 'shipped' })), type: EventTypes.orderShipped };
      expect(await t.cart.handleOrderConfirmed(shipped)).toBe('SUCCESS');
      expect(t.store.writes).toBe(writes);
      expect(await cartQuantities(t.http, userId)).toEqual({ [lantern.id]: 2 });
    });
  }

  /**
   * The whole service on its building blocks: both kinds of order.confirmed published on the `orders` topic by another
   * app reach the cart through the bus. `publisherOf` is the order service's bus on the same broker; `settingsOf`
   * adds to the cart's environment once the catalog runs.
   */
  function runningService(blocksOf: (config: CartConfig) => Promise<BuildingBlocks>, publisherOf: () => EventBus, settingsOf: () => Record<string, string> = () => ({})) {
    let server: RunningServer;
    let blocks: BuildingBlocks;
    let orders: EventBus;
    beforeAll(async () => {
      const config = loadCartConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', APP_API_TOKEN: appApiToken, ...settingsOf() });
      blocks = await blocksOf(config);
      server = await startCartService({
        config,
        logger: testLogger,
        blocks,
        verifier: testVerifier,
      });
      orders = publisherOf();
    }, 30_000);
    afterAll(async () => {
      await orders?.close();
      await server?.stop();
    });

    it('then an order.confirmed of an order that took the cart drops its hold, and one of an order that never took it takes its units out of the lines', async () => {
      const http = request(server.url);
      await http.get('/readyz').expect(200);
      const taker = newUserId();
      const taken = confirmedOrderData(taker, [{ productId: stove.id, quantity: 2 }]);
      await takenBy(http, taken, [[stove, 2]]);
      await fillCart(http, taker, [[tent, 1]]);
      const legacyShopper = newUserId();
      await fillCart(http, legacyShopper, [[stove, 3], [tent, 1]]);
      const legacy = confirmedOrderData(legacyShopper, [{ productId: stove.id, quantity: 2 }]);

      await orders.publish(Topics.orders, { type: EventTypes.orderConfirmed, data: taken });
      await orders.publish(Topics.orders, { type: EventTypes.orderConfirmed, data: legacy });

      const settled = await eventually(async () => (await blocks.stateStore.get<StoredCheckoutState>(`cart:user:${taker}`))?.value.settledCheckouts?.find((record) => record.orderId === taken.orderId), 10_000);
      expect(settled.outcome).toBe('completed');
      expect(await cartQuantities(http, taker)).toEqual({ [tent.id]: 1 });
      // Completed: the order's release can bring nothing back any more.
      const released = await http.post(CartInternalPaths.releaseCheckout(taker, taken.orderId as string)).set(appApiTokenHeader, appApiToken).expect(200);
      expect(released.body).toEqual({ orderId: taken.orderId, status: 'completed' });
      expect(await cartQuantities(http, taker)).toEqual({ [tent.id]: 1 });

      await eventually(async () => (await cartQuantities(http, legacyShopper))[stove.id] === 1, 10_000);
      expect(await cartQuantities(http, legacyShopper)).toEqual({ [stove.id]: 1, [tent.id]: 1 });
    });
  }

  describe('in memory', () => {
    suite(() => new InMemoryStateStore());

    it('when the state store fails, then RETRY', async () => {
      const broken = new (class extends CountingStateStore {
        override async get(): Promise<never> {
          throw new Error('redis is down');
        }
      })(new InMemoryStateStore());
      const failing = buildTestCart({ catalogUrl: catalog.url, stateStore: broken });
      expect(await failing.cart.handleOrderConfirmed(orderConfirmed(confirmedOrderData('u', [{ productId: lantern.id, quantity: 1 }])))).toBe('RETRY');
    });

    describe('when the service runs with its embedded building blocks', () => {
      const broker = new InMemoryBroker();
      afterAll(() => broker.close());
      runningService(
        () => Promise.resolve(createEmbeddedBuildingBlocks({ appId: AppIds.cart, broker, serviceUrls: { [AppIds.catalog]: catalog.url } })),
        () => new InMemoryEventBus({ source: AppIds.order, broker }),
      );
    });
  });

  describeWithBackend('redis', 'on Redis', (url) => {
    let store: RedisStateStore;
    beforeAll(() => {
      store = new RedisStateStore({ url, keyPrefix: `${uniqueTestTag('order-confirmed')}:` });
    });
    afterAll(() => store?.close());
    // Short TTLs: the test's keys clean themselves up.
    suite(() => store, { USER_CART_TTL_SECONDS: 300, GUEST_CART_TTL_SECONDS: 300 });

    describe('when the service runs on Redis state and Redis Streams', () => {
      const prefix = uniqueTestTag('order-confirmed-service');
      runningService(
        (config) => createBuildingBlocks(config, { appId: AppIds.cart, logger: testLogger }),
        () => new RedisStreamsEventBus({ url, source: AppIds.order, streamPrefix: `${prefix}:events:` }),
        () => ({ BUILDING_BLOCKS: 'redis', REDIS_URL: url, REDIS_KEY_PREFIX: prefix, USER_CART_TTL_SECONDS: '300', GUEST_CART_TTL_SECONDS: '300', SERVICE_URLS: `${AppIds.catalog}=${catalog.url}` }),
      );
    });
  });
});
