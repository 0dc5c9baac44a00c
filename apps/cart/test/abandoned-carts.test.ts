import { InMemoryBroker, InMemoryEventBus, InMemoryStateStore, RedisStateStore, type CloudEvent, type EventBus, type StateEntry, type StateStore } from '@shop/building-blocks';
import { AppIds, cartAbandonedDataSchema, CartInternalPaths, EventTypes, Topics, type CartAbandonedData } from '@shop/contracts';
import { describeWithBackend, uniqueTestTag } from '@shop/testing';
import { activityBucketKey, activityShardOf, ACTIVITY_SHARDS } from '../src/data/cart-activity-index';
import { activityHourOf } from '../src/domain/abandoned-cart';
import type { CartSettings } from '../src/composition';
import { bearerFor, buildTestCart, CountingStateStore, startTestCatalog, type TestCart, type TestCatalog, type TestProduct } from './cart-harness';

const HOUR = 3600_000;
const START = Date.parse('2030-01-01T10:15:00.000Z');

/**
 * Holds the first read of each chosen key until a second read of it arrives (or 2 s pass), so two job runs started
 * together both see the same bucket and the same cart version: only the claim can then keep them from both reminding.
 */
class RendezvousStateStore extends CountingStateStore {
  readonly keys = new Set<string>();
  private readonly waiting = new Map<string, () => void>();
  override async get<T>(key: string): Promise<StateEntry<T> | undefined> {
    if (this.keys.has(key)) {
      const release = this.waiting.get(key);
      if (release) {
        this.waiting.delete(key);
        release();
      } else {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.waiting.delete(key);
            resolve();
          }, 2000);
          this.waiting.set(key, () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    }
    return super.get<T>(key);
  }
}

describe('abandoned-cart reminders', () => {
  let catalog: TestCatalog;
  let lantern: TestProduct;
  let stove: TestProduct;

  beforeAll(async () => {
    catalog = await startTestCatalog();
    [lantern, stove] = await Promise.all([catalog.createProduct({ price: { amount: 1999, currency: 'EUR' } }), catalog.createProduct({ price: { amount: 500, currency: 'EUR' } })]);
  }, 60_000);
  afterAll(() => catalog?.stop());

  /** A cart on its own store and broker, a clock the test moves, and every event the cart publishes on `carts`. */
  interface Scenario extends TestCart {
    events: Array<CloudEvent<CartAbandonedData>>;
    advanceHours(hours: number): void;
    remind(body?: unknown): ReturnType<TestCart['http']['post']>;
    /** Runs the job and waits until its events were delivered; answers `reminded`. */
    remindAndSettle(body?: unknown): Promise<number>;
    settle(): Promise<void>;
    close(): Promise<void>;
  }

  async function scenario(options: { stateStore?: StateStore; settings?: Partial<CartSettings>; eventBus?: (bus: EventBus) => EventBus } = {}): Promise<Scenario> {
    let clock = START;
    const broker = new InMemoryBroker();
    const cartBus = new InMemoryEventBus({ source: AppIds.cart, broker });
    const notifications = new InMemoryEventBus({ source: 'notifications-test', broker });
    const events: Array<CloudEvent<CartAbandonedData>> = [];
    notifications.subscribe<CartAbandonedData>(
      Topics.carts,
      async (event) => {
        events.push(event);
        return 'SUCCESS';
      },
      { group: 'notifications-test' },
    );
    await notifications.start();
    const t = buildTestCart({
      catalogUrl: catalog.url,
      stateStore: options.stateStore,
      settings: options.settings,
      now: () => new Date(clock),
      eventBus: options.eventBus ? options.eventBus(cartBus) : cartBus,
    });
    const remind = (body: unknown = {}) => t.http.post(CartInternalPaths.remindAbandonedCarts).send(body as object);
    const settle = () => notifications.whenIdle();
    return {
      ...t,
      events,
      advanceHours: (hours) => void (clock += hours * HOUR),
      remind,
      settle,
      remindAndSettle: async (body) => {
        const response = await remind(body).expect(200);
        await settle();
        return (response.body as { reminded: number }).reminded;
      },
      close: async () => {
        await notifications.close();
        await cartBus.close();
        await broker.close();
      },
    };
  }

  const add = (s: TestCart, userId: string, product: TestProduct, quantity: number) =>
    s.http.post('/api/cart/items').set('Authorization', bearerFor(userId)).send({ productId: product.id, quantity }).expect(200);
  const newUserId = () => `abandoned-${uniqueTestTag()}`;

  it('when a signed-in cart with lines is idle for 24 h, then cart.abandoned is published once, and a second run reminds 0', async () => {
    const s = await scenario();
    const userId = newUserId();
    await add(s, userId, lantern, 2);
    await add(s, userId, stove, 1);
    const lastUpdatedAt = new Date(START).toISOString();
    s.advanceHours(25);

    expect(await s.remindAndSettle()).toBe(1);
    expect(s.events).toHaveLength(1);
    expect(s.events[0]).toMatchObject({
      type: EventTypes.cartAbandoned,
      source: AppIds.cart,
      subject: userId,
      data: { userId, itemCount: 3, subtotal: { amount: 2 * 1999 + 500, currency: 'EUR' }, lastUpdatedAt },
    });
    // What consumers (the notifications) read is exactly the contract's shape.
    expect(cartAbandonedDataSchema.strict().parse(s.events[0].data)).toEqual(s.events[0].data);

    expect(await s.remindAndSettle()).toBe(0);
    expect(s.events).toHaveLength(1);
    // The walked bucket is gone: later runs do not read the cart again.
    expect(await s.store.get(activityBucketKey(activityHourOf(new Date(START)), activityShardOf(userId)))).toBeUndefined();
    await s.close();
  });

  it('when two runs go at once over the same idle carts, then each cart is reminded exactly once', async () => {
    const store = new RendezvousStateStore(new InMemoryStateStore());
    const s = await scenario({ stateStore: store });
    const users = [newUserId(), newUserId(), newUserId()];
    for (const userId of users) await add(s, userId, lantern, 1);
    s.advanceHours(25);
    // Both runs read each bucket and each cart version before either claims.
    for (const userId of users) {
      store.keys.add(activityBucketKey(activityHourOf(new Date(START)), activityShardOf(userId)));
      store.keys.add(`cart:user:${userId}`);
    }

    const [first, second] = await Promise.all([s.remind().expect(200), s.remind().expect(200)]);
    store.keys.clear();
    await s.settle();

    expect(first.body.reminded + second.body.reminded).toBe(users.length);
    expect(s.events.map((event) => event.data.userId).sort()).toEqual([...users].sort());
    await s.close();
  }, 30_000);

  it('when a cart was changed recently, then it is not reminded; once it has been idle long enough it is', async () => {
    const s = await scenario();
    const userId = newUserId();
    await add(s, userId, lantern, 1);
    s.advanceHours(23);
    expect(await s.remindAndSettle()).toBe(0);
    expect(await s.remindAndSettle({ idleHours: 24 })).toBe(0);

    s.advanceHours(2);
    // Asked for a longer idle time than the cart has: still not abandoned.
    expect(await s.remindAndSettle({ idleHours: 48 })).toBe(0);
    expect(s.events).toHaveLength(0);
    expect(await s.remindAndSettle()).toBe(1);
    expect(s.events.map((event) => event.data.userId)).toEqual([userId]);
    await s.close();
  });

  it('when a cart noted in an old hour was changed again since, then that old hour does not make it abandoned', async () => {
    const s = await scenario();
    const userId = newUserId();
    await add(s, userId, lantern, 1);
    s.advanceHours(24.5);
    await add(s, userId, stove, 1);
    s.advanceHours(1);
    expect(await s.remindAndSettle()).toBe(0);
    s.advanceHours(24);
    expect(await s.remindAndSettle()).toBe(1);
    expect(s.events.map((event) => event.data.itemCount)).toEqual([2]);
    await s.close();
  });

  it('when a run comes while the hour of the last change is only partly idle, then the cart waits for a later run (not dropped)', async () => {
    const s = await scenario();
    const userId = newUserId();
    s.advanceHours(0.5); // changed at 10:45
    await add(s, userId, lantern, 1);
    s.advanceHours(23.75); // 10:30 the next day: 10:00-10:45 is idle for 24 h, 10:45 is not yet
    expect(await s.remindAndSettle()).toBe(0);
    s.advanceHours(0.25); // 10:45: idle, but its hour has not ended 24 h ago yet
    expect(await s.remindAndSettle()).toBe(0);
    s.advanceHours(0.25); // 11:00: the whole hour is
    expect(await s.remindAndSettle()).toBe(1);
    await s.close();
  });

  it('when a cart was changed in several hours, then one run reminds it once, for its last change', async () => {
    const s = await scenario();
    const userId = newUserId();
    await add(s, userId, lantern, 1);
    s.advanceHours(2);
    await add(s, userId, lantern, 1);
    s.advanceHours(3);
    await add(s, userId, lantern, 1);
    s.advanceHours(25);
    expect(await s.remindAndSettle()).toBe(1);
    expect(s.events.map((event) => [event.data.itemCount, event.data.lastUpdatedAt])).toEqual([[3, new Date(START + 5 * HOUR).toISOString()]]);
    await s.close();
  });

  it('when the idle time is taken from ABANDONED_CART_IDLE_HOURS, then a shorter setting reminds sooner', async () => {
    const s = await scenario({ settings: { ABANDONED_CART_IDLE_HOURS: 2 } });
    const userId = newUserId();
    await add(s, userId, lantern, 1);
    s.advanceHours(1);
    expect(await s.remindAndSettle()).toBe(0);
    s.advanceHours(2);
    expect(await s.remindAndSettle()).toBe(1);
    await s.close();
  });

  it('when a reminded cart is changed again, then it is reminded again after another idle period, for its new contents', async () => {
    const s = await scenario();
    const userId = newUserId();
    await add(s, userId, lantern, 1);
    s.advanceHours(25);
    expect(await s.remindAndSettle()).toBe(1);

    await add(s, userId, stove, 2);
    const changedAt = new Date(START + 25 * HOUR).toISOString();
    s.advanceHours(1);
    expect(await s.remindAndSettle()).toBe(0);
    s.advanceHours(24);
    expect(await s.remindAndSettle()).toBe(1);
    expect(await s.remindAndSettle()).toBe(0);

    expect(s.events.map((event) => event.data)).toEqual([
      { userId, itemCount: 1, subtotal: { amount: 1999, currency: 'EUR' }, lastUpdatedAt: new Date(START).toISOString() },
      { userId, itemCount: 3, subtotal: { amount: 1999 + 1000, currency: 'EUR' }, lastUpdatedAt: changedAt },
    ]);
    expect(new Set(s.events.map((event) => event.id)).size).toBe(2);
    await s.close();
  });

  it('when a signed-in cart is emptied (lines removed, or cleared), then it is never reminded', async () => {
    const s = await scenario();
    const emptied = newUserId();
    const cleared = newUserId();
    await add(s, emptied, lantern, 1);
    await s.http.delete(`/api/cart/items/${lantern.id}`).set('Authorization', bearerFor(emptied)).expect(200);
    expect((await s.store.get<{ lines: unknown[] }>(`cart:user:${emptied}`))?.value.lines).toEqual([]);
    await add(s, cleared, lantern, 1);
    await s.http.delete('/api/cart').set('Authorization', bearerFor(cleared)).expect(200);

    s.advanceHours(25);
    expect(await s.remindAndSettle()).toBe(0);
    s.advanceHours(100);
    expect(await s.remindAndSettle()).toBe(0);
    expect(s.events).toHaveLength(0);
    await s.close();
  });

  it('when a guest cart is idle, then it is never reminded nor even noted in the activity index', async () => {
    const s = await scenario();
    const created = await s.http.post('/api/cart/items').send({ productId: lantern.id, quantity: 1 }).expect(200);
    expect(created.headers['x-cart-id']).toBeDefined();
    const hour = activityHourOf(new Date(START));
    for (let shard = 0; shard < ACTIVITY_SHARDS; shard += 1) expect(await s.store.get(activityBucketKey(hour, shard))).toBeUndefined();

    s.advanceHours(25);
    expect(await s.remindAndSettle()).toBe(0);
    expect(s.events).toHaveLength(0);
    await s.close();
  });

  it('when a guest cart is merged into a user cart at sign-in, then the user cart is reminded once idle', async () => {
    const s = await scenario();
    const userId = newUserId();
    const guest = await s.http.post('/api/cart/items').send({ productId: lantern.id, quantity: 2 }).expect(200);
    await s.http.get('/api/cart').set('Authorization', bearerFor(userId)).set('X-Cart-Id', guest.headers['x-cart-id']).expect(200);
    s.advanceHours(25);
    expect(await s.remindAndSettle()).toBe(1);
    expect(s.events.map((event) => [event.data.userId, event.data.itemCount])).toEqual([[userId, 2]]);
    await s.close();
  });

  it('when the broker refuses the event, then the run answers 503 and the next run sends the reminder', async () => {
    let refuse = true;
    const s = await scenario({
      eventBus: (bus) => ({
        publish: (topic, event) => (refuse ? Promise.reject(new Error('broker down')) : bus.publish(topic, event)),
        subscribe: (topic, handler, options) => bus.subscribe(topic, handler, options),
        start: () => bus.start(),
        close: () => bus.close(),
      }),
    });
    const userId = newUserId();
    await add(s, userId, lantern, 1);
    s.advanceHours(25);

    const failed = await s.remind().expect(503);
    expect(failed.type).toBe('application/problem+json');
    refuse = false;
    expect(await s.remindAndSettle()).toBe(1);
    expect(await s.remindAndSettle()).toBe(0);
    expect(s.events.map((event) => event.data.userId)).toEqual([userId]);
    await s.close();
  });

  it('when the body is not a valid request, then 400 problem+json and nothing is published', async () => {
    const s = await scenario();
    const userId = newUserId();
    await add(s, userId, lantern, 1);
    s.advanceHours(25);
    for (const body of [{ idleHours: 0 }, { idleHours: 721 }, { idleHours: 1.5 }, { idleHours: '24' }, { idleHours: null }, { idleHours: 24, extra: true }, [1]]) {
      const response = await s.remind(body).expect(400);
      expect(response.type).toBe('application/problem+json');
    }
    await s.http.post(CartInternalPaths.remindAbandonedCarts).set('Content-Type', 'text/plain').send('idleHours=24').expect(415);
    await s.settle();
    expect(s.events).toHaveLength(0);
    // A body-less call uses the default.
    await s.http.post(CartInternalPaths.remindAbandonedCarts).expect(200, { reminded: 1 });
    await s.close();
  });

  it('when APP_API_TOKEN is configured, then a call without it or with a wrong one is 401, and with it 200', async () => {
    const s = await scenario({ settings: { APP_API_TOKEN: 'app-token-for-tests' } });
    await s.remind().expect(401);
    await s.remind().set('dapr-api-token', 'wrong-token-for-tests').expect(401);
    // Refused before the body is read.
    await s.http.post(CartInternalPaths.remindAbandonedCarts).send({ idleHours: 0 }).expect(401);
    await s.http.post(CartInternalPaths.remindAbandonedCarts).set('dapr-api-token', 'app-token-for-tests').send({}).expect(200, { reminded: 0 });
    await s.close();
  });

  describeWithBackend('redis', 'on Redis', (url) => {
    let store: RedisStateStore;
    beforeAll(() => {
      store = new RedisStateStore({ url, keyPrefix: `${uniqueTestTag('cart-abandoned')}:` });
    });
    afterAll(() => store?.close());

    it('when two runs go at once over idle carts (Redis store), then each cart is reminded exactly once and the buckets are gone', async () => {
      const rendezvous = new RendezvousStateStore(store);
      const s = await scenario({ stateStore: rendezvous, settings: { USER_CART_TTL_SECONDS: 300 } });
      const users = [newUserId(), newUserId(), newUserId()];
      for (const userId of users) await add(s, userId, lantern, 1);
      s.advanceHours(25);
      for (const userId of users) {
        rendezvous.keys.add(activityBucketKey(activityHourOf(new Date(START)), activityShardOf(userId)));
        rendezvous.keys.add(`cart:user:${userId}`);
      }

      const [first, second] = await Promise.all([s.remind().expect(200), s.remind().expect(200)]);
      rendezvous.keys.clear();
      await s.settle();

      expect(first.body.reminded + second.body.reminded).toBe(users.length);
      expect(s.events.map((event) => event.data.userId).sort()).toEqual([...users].sort());
      expect(await s.remindAndSettle()).toBe(0);
      for (const userId of users) expect(await store.get(activityBucketKey(activityHourOf(new Date(START)), activityShardOf(userId)))).toBeUndefined();
      await s.close();
    }, 30_000);
  });
});
