import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { InMemoryBroker, InMemoryEventBus, InMemoryStateStore, type CloudEvent } from '@shop/building-blocks';
import { AppIds, EventTypes, Topics, type OrderEventData } from '@shop/contracts';
import type { RunningServer } from '@shop/platform';
import { createEmbeddedBuildingBlocks } from '@shop/service-runtime';
import { loadCartConfig, startCartService } from '../src';
import { bearerFor, buildTestCart, cartOf, CountingStateStore, quantities, startTestCatalog, testLogger, testVerifier, type TestCart, type TestCatalog, type TestProduct } from './cart-harness';

/** The data order publishes with order.confirmed (the order contract's shape); `overrides` may break it on purpose. */
function confirmedOrderData(userId: string, lines: Array<{ productId: string; quantity: number }>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const data: OrderEventData = { orderId: `order-${randomUUID()}`, userId, status: 'confirmed', lines, total: { amount: 1999, currency: 'EUR' } };
  return { ...data, ...overrides };
}

function orderConfirmed(data: unknown, id = randomUUID()): CloudEvent<unknown> {
  return { specversion: '1.0', id, source: AppIds.order, type: EventTypes.orderConfirmed, time: new Date().toISOString(), datacontenttype: 'application/json', data };
}

describe('order.confirmed takes the ordered quantities out of the cart', () => {
  let catalog: TestCatalog;
  let lantern: TestProduct;
  let stove: TestProduct;
  let tent: TestProduct;
  let t: TestCart;
  let userCounter = 0;
  const newUserId = () => `order-user-${(userCounter += 1)}`;

  beforeAll(async () => {
    catalog = await startTestCatalog();
    [lantern, stove, tent] = await Promise.all([catalog.createProduct(), catalog.createProduct(), catalog.createProduct()]);
    t = buildTestCart({ catalogUrl: catalog.url });
  }, 60_000);
  afterAll(() => catalog?.stop());

  async function fillCart(userId: string, lines: Array<[TestProduct, number]>): Promise<void> {
    for (const [product, quantity] of lines) {
      await t.http.post('/api/cart/items').set('Authorization', bearerFor(userId)).send({ productId: product.id, quantity }).expect(200);
    }
  }
  const cartQuantities = async (userId: string) => quantities(cartOf(await t.http.get('/api/cart').set('Authorization', bearerFor(userId)).expect(200)));

  it('when an order is confirmed, then its quantities leave the cart, lines added after checkout stay, and a redelivery changes nothing', async () => {
    const userId = newUserId();
    await fillCart(userId, [[lantern, 2], [stove, 1]]);
    // Checkout happened with this cart; then the shopper kept shopping.
    await fillCart(userId, [[lantern, 1], [tent, 1]]);
    const event = orderConfirmed(confirmedOrderData(userId, [{ productId: lantern.id, quantity: 2 }, { productId: stove.id, quantity: 1 }]));

    expect(await t.cart.handleOrderConfirmed(event)).toBe('SUCCESS');
    expect(await cartQuantities(userId)).toEqual({ [lantern.id]: 1, [tent.id]: 1 });
    expect(await t.store.get(`inbox:cart:${event.id}`)).toBeDefined();

    const writes = t.store.writes;
    expect(await t.cart.handleOrderConfirmed(event)).toBe('SUCCESS');
    expect(await cartQuantities(userId)).toEqual({ [lantern.id]: 1, [tent.id]: 1 });
    expect(t.store.writes).toBe(writes);
  });

  it('when the same event is delivered twice at the same time, then the quantities are removed once', async () => {
    const userId = newUserId();
    await fillCart(userId, [[lantern, 5]]);
    const event = orderConfirmed(confirmedOrderData(userId, [{ productId: lantern.id, quantity: 2 }]));
    expect(await Promise.all([t.cart.handleOrderConfirmed(event), t.cart.handleOrderConfirmed(event)])).toEqual(['SUCCESS', 'SUCCESS']);
    expect(await cartQuantities(userId)).toEqual({ [lantern.id]: 3 });
  });

  it('when the data is malformed, then DROP and nothing is written; another order event type is acknowledged and ignored', async () => {
    const userId = newUserId();
    await fillCart(userId, [[lantern, 2]]);
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
    expect(await cartQuantities(userId)).toEqual({ [lantern.id]: 2 });
  });

  it('when the state store fails, then RETRY', async () => {
    const broken = new (class extends CountingStateStore {
      override async get(): Promise<never> {
        throw new Error('redis is down');
      }
    })(new InMemoryStateStore());
    const failing = buildTestCart({ catalogUrl: catalog.url, stateStore: broken });
    expect(await failing.cart.handleOrderConfirmed(orderConfirmed(confirmedOrderData('u', [{ productId: lantern.id, quantity: 1 }])))).toBe('RETRY');
  });

  describe('when the service runs with its building blocks', () => {
    let broker: InMemoryBroker;
    let server: RunningServer;
    beforeAll(async () => {
      broker = new InMemoryBroker();
      server = await startCartService({
        config: loadCartConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
        logger: testLogger,
        blocks: createEmbeddedBuildingBlocks({ appId: AppIds.cart, broker, serviceUrls: { [AppIds.catalog]: catalog.url } }),
        verifier: testVerifier,
      });
    });
    afterAll(async () => {
      await server?.stop();
      await broker?.close();
    });

    it('then it is ready, and an order.confirmed published on the orders topic clears the ordered lines', async () => {
      const http = request(server.url);
      await http.get('/readyz').expect(200);
      const userId = newUserId();
      await http.post('/api/cart/items').set('Authorization', bearerFor(userId)).send({ productId: stove.id, quantity: 2 }).expect(200);
      const orders = new InMemoryEventBus({ source: AppIds.order, broker });
      await orders.publish(Topics.orders, { type: EventTypes.orderConfirmed, data: confirmedOrderData(userId, [{ productId: stove.id, quantity: 2 }]) });
      await orders.whenIdle();
      expect(cartOf(await http.get('/api/cart').set('Authorization', bearerFor(userId)).expect(200)).lines).toEqual([]);
      await orders.close();
    });
  });
});
