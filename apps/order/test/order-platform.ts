import request from 'supertest';
import { InMemoryBroker, InMemoryStateStore, RedisStateStore, type CloudEvent, type EventBus, type EventHandler, type StateStore, type SubscriptionOptions } from '@shop/building-blocks';
import { loadCatalogConfig, startCatalogService } from '@shop/catalog';
import { loadCartConfig, startCartService } from '@shop/cart';
import { AppIds, SimulatedPaymentTokens, Topics } from '@shop/contracts';
import type { RunningServer } from '@shop/platform';
import { PgliteDatabase, openThrowawayPgDatabase, type Database } from '@shop/postgres';
import { createEmbeddedBuildingBlocks, type BuildingBlocks } from '@shop/service-runtime';
import { backendUrl, eventually, uniqueTestTag, type TestDatabase } from '@shop/testing';
import { loadOrderConfig, startOrderService, type RunningOrderService } from '../src';
import type { CheckoutHooks } from '../src/domain/checkout.service';
import { CheckoutStatuses } from '../src/domain/order-status';
import { SimulatedPaymentProvider } from '../src/clients/simulated-payment-provider';
import { adminBearer, bearerFor, testLogger, testVerifier } from './test-identity';

export { adminBearer, bearerFor, testLogger, testVerifier };

/** The two databases of a platform under test: catalog's and the order service's (the cart keeps state in its store). */
export interface PlatformDatabases {
  catalog: Database;
  order: Database;
}

/** Openers for describeEachDatabase. */
export const platformDatabases = {
  pglite: async (): Promise<TestDatabase<PlatformDatabases>> => {
    const catalog = await PgliteDatabase.open();
    const order = await PgliteDatabase.open();
    return { db: { catalog, order }, close: async () => void (await Promise.all([catalog.close(), order.close()])) };
  },
  postgres: async (serverUrl: string): Promise<TestDatabase<PlatformDatabases>> => {
    const catalog = await openThrowawayPgDatabase(serverUrl, 'order_test_catalog');
    const order = await openThrowawayPgDatabase(serverUrl, 'order_test_order');
    return { db: { catalog: catalog.db, order: order.db }, close: async () => void (await Promise.all([catalog.close(), order.close()])) };
  },
};

/** A valid body of POST /api/orders. */
export function orderBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    shippingAddress: { name: 'Ada Lovelace', line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
    paymentToken: SimulatedPaymentTokens.approve,
    ...overrides,
  };
}

/** Settings of the order service under test. */
export interface OrderServiceOptions {
  checkoutHooks?: CheckoutHooks;
  /** Default: far in the future, so the loop only runs when a test asks (`recoverNow`). */
  staleAfterMs?: number;
  paymentTimeoutMs?: number;
}

/** The real catalog, cart and order services in this process on one in-memory broker, with helpers. */
export interface TestPlatform {
  catalog: ReturnType<typeof request>;
  cart: ReturnType<typeof request>;
  /** Where the cart service listens (its internal routes included). */
  cartUrl: string;
  orders: ReturnType<typeof request>;
  order: RunningOrderService;
  dbs: PlatformDatabases;
  /** The simulated provider's records, in a store that outlives order service restarts (like Redis). */
  payments: SimulatedPaymentProvider;
  /** Every event on the `orders` topic, in order. */
  orderEvents: CloudEvent[];
  /** Every batch of audit entries the services published (`Topics.audit`), in order. */
  auditEvents: CloudEvent[];
  createProduct(options: { onHand: number; amount?: number; currency?: string }): Promise<string>;
  inventory(productId: string): Promise<{ onHand: number; reserved: number }>;
  addToCart(userId: string, productId: string, quantity: number): Promise<void>;
  cartLines(userId: string): Promise<Array<{ productId: string; quantity: number }>>;
  placeOrder(userId: string, key: string, body?: Record<string, unknown>): request.Test;
  /** Stops the order service (as if its process ended) and starts a new one on the same database. */
  restartOrderService(options?: OrderServiceOptions): Promise<RunningOrderService>;
  /** Publishes an event on the shared broker, as another service's outbox would (same id → a redelivery). */
  publishOnBroker(topic: string, event: { id: string; type: string; subject: string; data: unknown }): Promise<void>;
  /** Resolves once the broker has delivered everything published so far (no handler running, no retry waiting). */
  eventsDelivered(): Promise<void>;
  /**
   * Holds every event on its way to the cart (order.confirmed included) until the returned function is called, as a
   * slow broker would; `eventsDelivered` waits for them too.
   */
  holdCartEvents(): () => void;
  /** The cart's state store (Redis or memory), to look at a cart as stored. */
  cartStore: StateStore;
  /** Runs one recovery round that treats every order in the checkout as stale. */
  recoverNow(): Promise<number>;
  close(): Promise<void>;
}

let skuCounter = 0;

/** The app API token every service of the test platform shares (the internal routes require it). */
export const platformAppApiToken = 'order-test-platform-app-token';

/** How the platform's other services run. */
export interface PlatformOptions {
  /** The cart keeps its carts on this Redis (the production shape); default: in memory. */
  cartRedisUrl?: string;
  /** Catalog's rate table (PRICE_CONVERSION_RATES) for price lists in the market currencies; default: none. */
  priceConversionRates?: Record<string, string>;
}

/** The Redis a suite on PostgreSQL keeps the cart on, when REDIS_URL is set: PostgreSQL and Redis, as in production. */
export function cartRedisUrlFor(kind: 'pglite' | 'postgres'): string | undefined {
  return kind === 'postgres' ? backendUrl('redis') : undefined;
}

/** Starts catalog, cart and order on free ports. */
export async function startTestPlatform(dbs: PlatformDatabases, options: OrderServiceOptions = {}, platformOptions: PlatformOptions = {}): Promise<TestPlatform> {
  const broker = new InMemoryBroker();
  // One app API token for all, as separate processes share it: the internal routes (reservations, cart checkouts) require it.
  const base = { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', APP_API_TOKEN: platformAppApiToken };
  const catalogServer: RunningServer = await startCatalogService({
    config: loadCatalogConfig({
      ...base,
      SEED_DEMO_CATALOG: 'false',
      RESERVATION_SWEEP_INTERVAL_MS: '0',
      OUTBOX_POLL_INTERVAL_MS: '50',
      ...(platformOptions.priceConversionRates ? { PRICE_CONVERSION_RATES: JSON.stringify(platformOptions.priceConversionRates) } : {}),
    }),
    logger: testLogger,
    blocks: createEmbeddedBuildingBlocks({ appId: AppIds.catalog, broker, serviceUrls: {} }),
    db: dbs.catalog,
    verifier: testVerifier,
  });
  const cartEvents = { gate: Promise.resolve() };
  const cartEmbedded = createEmbeddedBuildingBlocks({ appId: AppIds.cart, broker, serviceUrls: { [AppIds.catalog]: catalogServer.url } });
  // A loaded test machine can take longer than the store's outage timeout for one command; this is about correctness.
  const cartRedis = platformOptions.cartRedisUrl
    ? new RedisStateStore({ url: platformOptions.cartRedisUrl, keyPrefix: `${uniqueTestTag('order-test-cart')}:`, commandTimeoutMs: 10_000 })
    : undefined;
  const cartBlocks: BuildingBlocks = {
    ...cartEmbedded,
    stateStore: cartRedis ?? cartEmbedded.stateStore,
    eventBus: gatedEventBus(cartEmbedded.eventBus, () => cartEvents.gate),
    close: async () => {
      await cartEmbedded.close();
      await cartRedis?.close();
    },
  };
  const cartServer: RunningServer = await startCartService({
    // On Redis, the test's carts and inbox entries expire by themselves.
    config: loadCartConfig(cartRedis ? { ...base, USER_CART_TTL_SECONDS: '900', GUEST_CART_TTL_SECONDS: '900', INBOX_TTL_SECONDS: '900' } : base),
    logger: testLogger,
    blocks: cartBlocks,
    verifier: testVerifier,
  });
  const paymentStore = new InMemoryStateStore();
  const orderEvents: CloudEvent[] = [];
  const recorder = createEmbeddedBuildingBlocks({ appId: 'test-recorder', broker, serviceUrls: {} });
  recorder.eventBus.subscribe(
    Topics.orders,
    async (event) => {
      orderEvents.push(event);
      return 'SUCCESS';
    },
    { group: 'test-recorder' },
  );
  const auditEvents: CloudEvent[] = [];
  recorder.eventBus.subscribe(
    Topics.audit,
    async (event) => {
      auditEvents.push(event);
      return 'SUCCESS';
    },
    { group: 'test-audit-recorder' },
  );
  await recorder.eventBus.start();

  const startOrder = (serviceOptions: OrderServiceOptions) =>
    startOrderService({
      config: loadOrderConfig({
        ...base,
        PAYMENT_TIMEOUT_MS: String(serviceOptions.paymentTimeoutMs ?? 300),
        RECOVERY_INTERVAL_MS: '3600000',
        RECOVERY_STALE_AFTER_MS: String(serviceOptions.staleAfterMs ?? 3_600_000),
        OUTBOX_POLL_INTERVAL_MS: '50',
      }),
      logger: testLogger,
      blocks: createEmbeddedBuildingBlocks({ appId: AppIds.order, broker, serviceUrls: { [AppIds.catalog]: catalogServer.url, [AppIds.cart]: cartServer.url } }),
      db: dbs.order,
      verifier: testVerifier,
      paymentProvider: new SimulatedPaymentProvider({ stateStore: paymentStore, slowAnswerMs: (serviceOptions.paymentTimeoutMs ?? 300) + 200 }),
      checkoutHooks: serviceOptions.checkoutHooks,
    });
  let order = await startOrder(options);

  const catalog = request(catalogServer.url);
  const cart = request(cartServer.url);
  const platform: TestPlatform = {
    catalog,
    cart,
    cartUrl: cartServer.url,
    get orders() {
      return request(order.url);
    },
    get order() {
      return order;
    },
    dbs,
    payments: new SimulatedPaymentProvider({ stateStore: paymentStore, slowAnswerMs: 0 }),
    orderEvents,
    auditEvents,
    createProduct: async ({ onHand, amount = 1999, currency = 'EUR' }) => {
      skuCounter += 1;
      const created = await catalog
        .post('/api/catalog/products')
        .set('Authorization', adminBearer)
        .send({ sku: `ORD-${process.pid}-${skuCounter}`, name: `Order test product ${skuCounter}`, price: { amount, currency }, status: 'active' });
      if (created.status !== 201) throw new Error(`create product: ${created.status} ${JSON.stringify(created.body)}`);
      const stock = await catalog
        .put(`/api/catalog/products/${created.body.id}/inventory`)
        .set('Authorization', adminBearer)
        .set('If-Match', created.headers.etag)
        .send({ onHand });
      if (stock.status !== 200) throw new Error(`set stock: ${stock.status} ${JSON.stringify(stock.body)}`);
      return created.body.id as string;
    },
    inventory: async (productId) => {
      const { rows } = await dbs.catalog.query<{ on_hand: number; reserved: number }>('SELECT on_hand, reserved FROM inventory WHERE product_id = $1', [productId]);
      return { onHand: Number(rows[0].on_hand), reserved: Number(rows[0].reserved) };
    },
    addToCart: async (userId, productId, quantity) => {
      const response = await cart.post('/api/cart/items').set('Authorization', bearerFor(userId)).send({ productId, quantity });
      if (response.status !== 200 && response.status !== 201) throw new Error(`add to cart: ${response.status} ${JSON.stringify(response.body)}`);
    },
    cartLines: async (userId) => {
      const response = await cart.get('/api/cart').set('Authorization', bearerFor(userId)).expect(200);
      return (response.body.lines as Array<{ productId: string; quantity: number }>).map(({ productId, quantity }) => ({ productId, quantity }));
    },
    placeOrder: (userId, key, body = orderBody()) => request(order.url).post('/api/orders').set('Authorization', bearerFor(userId)).set('Idempotency-Key', key).send(body),
    restartOrderService: async (serviceOptions = {}) => {
      await order.stop();
      order = await startOrder(serviceOptions);
      return order;
    },
    publishOnBroker: async (topic, event) => {
      await recorder.eventBus.publish(topic, event);
    },
    eventsDelivered: () => broker.whenIdle(),
    holdCartEvents: () => {
      let open: () => void = () => undefined;
      cartEvents.gate = new Promise<void>((resolve) => (open = resolve));
      return () => open();
    },
    cartStore: cartBlocks.stateStore,
    recoverNow: async () => {
      // A new replica whose loop treats everything older than 1 ms as stale; its start round is the recovery. The
      // orders in the checkout must be that old by the database's clock first.
      await eventually(async () => {
        const { rows } = await dbs.order.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM orders WHERE status = ANY ($1::text[]) AND updated_at > now() - interval '1 millisecond'`,
          [CheckoutStatuses],
        );
        return Number(rows[0].n) === 0;
      }, 5000, 1);
      const replica = await startOrder({ ...options, staleAfterMs: 1 });
      try {
        return await replica.app.recovery.runOnce();
      } finally {
        await replica.stop();
      }
    },
    close: async () => {
      await order.stop();
      await cartServer.stop();
      await catalogServer.stop();
      await recorder.close();
    },
  };
  return platform;
}

/** An event bus whose handlers wait for `gate()` before each delivery. */
function gatedEventBus(bus: EventBus, gate: () => Promise<void>): EventBus {
  return {
    publish: (topic, event) => bus.publish(topic, event),
    subscribe: <T>(topic: string, handler: EventHandler<T>, options: SubscriptionOptions) =>
      bus.subscribe<T>(
        topic,
        async (event) => {
          await gate();
          return handler(event);
        },
        options,
      ),
    start: () => bus.start(),
    close: () => bus.close(),
  };
}

/** Row counts of the order database, to prove that a refused request wrote nothing. */
export async function orderTableCounts(db: Database): Promise<Record<string, number>> {
  const { rows } = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_lines) AS lines,
            (SELECT count(*) FROM order_status_history) AS history, (SELECT count(*) FROM idempotency_keys) AS keys`,
  );
  return Object.fromEntries(Object.entries(rows[0]).map(([key, value]) => [key, Number(value)]));
}

/** A unique idempotency key. */
export function newKey(prefix = 'k'): string {
  return `${prefix}-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
}
