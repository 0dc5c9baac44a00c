import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { CartInternalPaths, EventTypes, SimulatedPaymentTokens, Topics } from '@shop/contracts';
import { describeEachDatabase, eventually } from '@shop/testing';
import type { CheckoutHooks } from '../src/domain/checkout.service';
import { appApiTokenHeader } from '@shop/platform';
import { bearerFor, cartRedisUrlFor, newKey, orderBody, platformAppApiToken, platformDatabases, startTestPlatform, type PlatformDatabases, type TestPlatform } from './order-platform';

/** A hook that makes the checkout stop where the process would have died. */
const dieHere = async (): Promise<void> => {
  throw new Error('simulated crash');
};

/** productId → units, for comparing an order's lines with what a shopper added. */
type Units = Record<string, number>;

function unitsOf(lines: Array<{ productId: string; quantity: number }>): Units {
  const units: Units = {};
  for (const line of lines) units[line.productId] = (units[line.productId] ?? 0) + line.quantity;
  return units;
}

// On PGlite with the cart in memory; on PostgreSQL with the cart on Redis when REDIS_URL is set (the production shape).
describeEachDatabase<PlatformDatabases>('the cart is consumed by its order', platformDatabases, (getDbs, kind) => {
  let platform: TestPlatform;
  let users = 0;
  const newUser = (name: string) => `${name}-${kind}-${(users += 1)}-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    // A generous payment timeout: the loops below load the machine, and an approval must not turn into a 202.
    platform = await startTestPlatform(getDbs(), { paymentTimeoutMs: 10_000 }, { cartRedisUrl: cartRedisUrlFor(kind) });
  }, 60_000);
  afterAll(() => platform?.close());

  /** The cart as the shopper sees it: lines (with the prices when added) and the version (ETag). */
  async function cartOf(user: string) {
    const response = await platform.cart.get('/api/cart').set('Authorization', bearerFor(user)).expect(200);
    return { lines: response.body.lines as Array<Record<string, unknown>>, etag: response.headers.etag };
  }

  /** The user's cart as stored, holds included. */
  async function storedCart(user: string) {
    const entry = await platform.cartStore.get<{ lines: unknown[]; checkouts?: Array<{ orderId: string }>; settledCheckouts?: Array<{ orderId: string; outcome: string }> }>(`cart:user:${user}`);
    return entry?.value;
  }

  async function orderRow(orderId: string) {
    const { rows } = await platform.dbs.order.query<{ status: string; failure_reason: string | null }>('SELECT status, failure_reason FROM orders WHERE id = $1', [orderId]);
    return rows[0];
  }

  /** Restarts the order service with hooks for the test, and back without them afterwards. */
  async function withCheckoutHooks<T>(hooks: CheckoutHooks, run: () => Promise<T>): Promise<T> {
    await platform.restartOrderService({ checkoutHooks: hooks, paymentTimeoutMs: 10_000 });
    try {
      return await run();
    } finally {
      await platform.restartOrderService({ paymentTimeoutMs: 10_000 });
    }
  }

  it('when a checkout is confirmed, then the cart shows no lines before any event reached it, the next add starts afresh, and the late order.confirmed, delivered twice, leaves the new lines alone', async () => {
    const user = newUser('consumed');
    const [lantern, stove] = [await platform.createProduct({ onHand: 10 }), await platform.createProduct({ onHand: 10 })];
    await platform.addToCart(user, lantern, 2);
    const letEventsThrough = platform.holdCartEvents();
    let orderId: string;
    try {
      const placed = await platform.placeOrder(user, newKey()).expect(201);
      orderId = placed.body.id as string;
      expect(unitsOf(placed.body.lines)).toEqual({ [lantern]: 2 });
      expect(await platform.cartLines(user)).toEqual([]);
      expect((await storedCart(user))?.checkouts).toEqual([expect.objectContaining({ orderId })]);
      await platform.addToCart(user, stove, 1);
      expect(await platform.cartLines(user)).toEqual([{ productId: stove, quantity: 1 }]);
    } finally {
      letEventsThrough();
    }
    await platform.eventsDelivered();
    expect(await platform.cartLines(user)).toEqual([{ productId: stove, quantity: 1 }]);
    expect(await storedCart(user)).toMatchObject({ checkouts: [], settledCheckouts: [{ orderId, outcome: 'completed' }] });

    const confirmed = await eventually(() => platform.orderEvents.find((event) => event.subject === orderId && event.type === EventTypes.orderConfirmed), 5000);
    await platform.publishOnBroker(Topics.orders, { id: confirmed.id, type: confirmed.type, subject: orderId, data: confirmed.data });
    await platform.publishOnBroker(Topics.orders, { id: randomUUID(), type: confirmed.type, subject: orderId, data: confirmed.data });
    await platform.eventsDelivered();
    expect(await platform.cartLines(user)).toEqual([{ productId: stove, quantity: 1 }]);
  });

  it('when the payment is declined, then the cart is exactly as it was: the same lines, prices when added, times added and version', async () => {
    const user = newUser('declined');
    const [lantern, stove] = [await platform.createProduct({ onHand: 10, amount: 1500 }), await platform.createProduct({ onHand: 10, amount: 700 })];
    await platform.addToCart(user, lantern, 3);
    await platform.addToCart(user, stove, 1);
    const before = await cartOf(user);
    const response = await platform.placeOrder(user, newKey(), orderBody({ paymentToken: SimulatedPaymentTokens.decline })).expect(402);
    expect(await cartOf(user)).toEqual(before);
    expect(await storedCart(user)).toMatchObject({ checkouts: [], settledCheckouts: [{ orderId: response.body.orderId, outcome: 'released' }] });
    // The cart it gave back can be checked out again.
    const retried = await platform.placeOrder(user, newKey()).expect(201);
    expect(unitsOf(retried.body.lines)).toEqual({ [lantern]: 3, [stove]: 1 });
  });

  it('when a product ran out of stock, then the 409 leaves the cart exactly as it was', async () => {
    const user = newUser('short');
    const productId = await platform.createProduct({ onHand: 5 });
    await platform.addToCart(user, productId, 4);
    await platform.dbs.catalog.query('UPDATE inventory SET on_hand = 1 WHERE product_id = $1', [productId]);
    const before = await cartOf(user);
    const response = await platform.placeOrder(user, newKey()).expect(409);
    expect(response.body.outOfStock).toEqual([{ productId, requested: 4, available: 1 }]);
    expect(await cartOf(user)).toEqual(before);
  });

  it('when two checkouts of one cart run at once with different keys, then one order is confirmed and the other is cancelled with a 409 saying the cart changed', async () => {
    const user = newUser('twice');
    const productId = await platform.createProduct({ onHand: 10, amount: 1000 });
    await platform.addToCart(user, productId, 2);
    // Both checkouts have read the cart (at the same version) and created their orders before either takes it.
    let arrived = 0;
    let bothArrived: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => (bothArrived = resolve));
    const [first, second] = await withCheckoutHooks(
      {
        beforeTakingCart: async () => {
          arrived += 1;
          if (arrived === 2) bothArrived();
          await barrier;
        },
      },
      () => Promise.all([platform.placeOrder(user, newKey('a')), platform.placeOrder(user, newKey('b'))]),
    );
    const responses = [first, second].sort((a, b) => a.status - b.status);
    expect(responses.map((response) => response.status)).toEqual([201, 409]);
    const [won, lost] = responses;
    expect(unitsOf(won.body.lines)).toEqual({ [productId]: 2 });
    expect(lost.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(lost.body).toMatchObject({ reason: 'cart_changed', orderId: expect.any(String) });
    expect(lost.body.detail).toMatch(/cart changed/);
    expect(await orderRow(lost.body.orderId)).toEqual({ status: 'cancelled', failure_reason: 'cart_changed' });
    // One order's worth sold, one charge, and the cart stays with the order that took it.
    expect(await platform.inventory(productId)).toEqual({ onHand: 8, reserved: 0 });
    const { charges } = await platform.payments.listTransactions();
    expect(charges.filter((charge) => charge.orderId === lost.body.orderId)).toEqual([]);
    expect(await platform.cartLines(user)).toEqual([]);
  });

  it('when the process dies after the cart was taken, then the recovery cancels the order and the cart has its lines back; order.confirmed of nothing changes nothing', async () => {
    const user = newUser('crash-taken');
    const productId = await platform.createProduct({ onHand: 5 });
    await platform.addToCart(user, productId, 2);
    const before = await cartOf(user);
    const orderId = await withCheckoutHooks({ afterReserve: dieHere }, async () => {
      const first = await platform.placeOrder(user, newKey('crash'));
      expect(first.status).toBe(202);
      return first.body.orderId as string;
    });
    expect(await orderRow(orderId)).toMatchObject({ status: 'reserved' });
    expect(await platform.cartLines(user)).toEqual([]);

    await platform.recoverNow();
    expect(await orderRow(orderId)).toEqual({ status: 'cancelled', failure_reason: 'checkout_interrupted' });
    expect(await cartOf(user)).toEqual(before);
    expect(await platform.inventory(productId)).toEqual({ onHand: 5, reserved: 0 });
    // A duplicate (forged) order.confirmed of the cancelled order finds nothing held: the lines stay.
    await platform.publishOnBroker(Topics.orders, {
      id: randomUUID(),
      type: EventTypes.orderConfirmed,
      subject: orderId,
      data: { orderId, userId: user, status: 'confirmed', lines: [{ productId, quantity: 2 }], total: { amount: 3998, currency: 'EUR' } },
    });
    await platform.eventsDelivered();
    expect(await cartOf(user)).toEqual(before);
  });

  it('when the process dies before the order took the cart, then the recovery cancels it, the cart is untouched, and a late take by that order is refused', async () => {
    const user = newUser('crash-pending');
    const productId = await platform.createProduct({ onHand: 5 });
    await platform.addToCart(user, productId, 1);
    const before = await cartOf(user);
    const orderId = await withCheckoutHooks({ beforeTakingCart: dieHere }, async () => {
      const first = await platform.placeOrder(user, newKey('crash'));
      expect(first.status).toBe(202);
      return first.body.orderId as string;
    });
    expect(await orderRow(orderId)).toMatchObject({ status: 'pending' });

    await platform.recoverNow();
    expect(await orderRow(orderId)).toEqual({ status: 'cancelled', failure_reason: 'checkout_interrupted' });
    expect(await cartOf(user)).toEqual(before);
    // Only the platform's services may take a cart (the order service sends the shared app token).
    await request(platform.cartUrl).post(CartInternalPaths.checkouts(user)).send({ orderId, cartVersion: before.etag.replace(/^W\/"|"$/g, '') }).expect(401);
    // The take the dead process might still have had on the wire arrives now: the cart refuses it.
    const late = await request(platform.cartUrl)
      .post(CartInternalPaths.checkouts(user))
      .set(appApiTokenHeader, platformAppApiToken)
      .send({ orderId, cartVersion: before.etag.replace(/^W\/"|"$/g, '') })
      .expect(409);
    expect(late.body).toMatchObject({ orderId, reason: 'checkout_released' });
    expect(await cartOf(user)).toEqual(before);
  });

  it('when the customer cancels an order still in the checkout, then the cart has its lines back; cancelling a confirmed order brings nothing back', async () => {
    const user = newUser('cancel');
    const [lantern, stove] = [await platform.createProduct({ onHand: 5 }), await platform.createProduct({ onHand: 5 })];
    await platform.addToCart(user, lantern, 2);
    const before = await cartOf(user);
    const orderId = await withCheckoutHooks({ afterReserve: dieHere }, async () => (await platform.placeOrder(user, newKey('cancel'))).body.orderId as string);
    expect(await platform.cartLines(user)).toEqual([]);
    await platform.orders.post(`/api/orders/${orderId}/cancel`).set('Authorization', bearerFor(user)).expect(200);
    expect(await cartOf(user)).toEqual(before);

    const { body: confirmed } = await platform.placeOrder(user, newKey()).expect(201);
    await platform.addToCart(user, stove, 1);
    await platform.orders.post(`/api/orders/${confirmed.id}/cancel`).set('Authorization', bearerFor(user)).expect(200);
    expect(await platform.cartLines(user)).toEqual([{ productId: stove, quantity: 1 }]);
  });

  describe('shoppers looping "add one unit, place the order"', () => {
    const shoppers = 8;
    const rounds = 6;

    /**
     * Runs every shopper's loop at once: each round adds one unit of one of `products` and checks out. Answers what
     * went wrong: an order that does not hold exactly the units added since the shopper's previous order, or a
     * checkout that did not confirm (a 422 "The cart is empty" right after an add among them).
     */
    async function loop(products: string[], tag: string): Promise<{ orders: number; wrong: unknown[]; users: string[] }> {
      const wrong: unknown[] = [];
      let orders = 0;
      const loopUsers = Array.from({ length: shoppers }, (_, index) => newUser(`${tag}-${index}`));
      await Promise.all(
        loopUsers.map(async (user, index) => {
          let addedSince: Units = {};
          for (let round = 0; round < rounds; round += 1) {
            const productId = products[(index + round) % products.length];
            await platform.addToCart(user, productId, 1);
            addedSince[productId] = (addedSince[productId] ?? 0) + 1;
            const response = await platform.placeOrder(user, newKey(tag));
            if (response.status !== 201) {
              wrong.push({ user, round, status: response.status, detail: response.body.detail });
              continue;
            }
            orders += 1;
            const bought = unitsOf(response.body.lines);
            if (JSON.stringify(Object.entries(bought).sort()) !== JSON.stringify(Object.entries(addedSince).sort())) wrong.push({ user, round, expected: addedSince, bought });
            addedSince = {};
          }
        }),
      );
      return { orders, wrong, users: loopUsers };
    }

    let products: string[];
    beforeAll(async () => {
      products = [];
      for (let i = 0; i < 3; i += 1) products.push(await platform.createProduct({ onHand: 100_000, amount: 500 + i }));
    });

    it(`when ${shoppers} shoppers loop at once, then every order holds exactly the units added since the shopper's previous order, and no checkout finds the cart empty`, async () => {
      const { orders, wrong } = await loop(products, 'loop');
      expect(wrong).toEqual([]);
      expect(orders).toBe(shoppers * rounds);
    }, 120_000);

    it(`when the broker is slow (order.confirmed reaches the cart only after the loop), then every order still holds exactly its own units, and the late events empty no cart`, async () => {
      const letEventsThrough = platform.holdCartEvents();
      let result: Awaited<ReturnType<typeof loop>>;
      try {
        result = await loop(products, 'slow');
        expect(result.wrong).toEqual([]);
        expect(result.orders).toBe(shoppers * rounds);
        // One more unit each, after the last order: the late confirmations must leave it where it is.
        await Promise.all(result.users.map((user) => platform.addToCart(user, products[0], 1)));
      } finally {
        letEventsThrough();
      }
      await platform.eventsDelivered();
      for (const user of result.users) {
        expect(await platform.cartLines(user)).toEqual([{ productId: products[0], quantity: 1 }]);
        expect((await storedCart(user))?.checkouts).toEqual([]);
      }
    }, 120_000);
  });
});
