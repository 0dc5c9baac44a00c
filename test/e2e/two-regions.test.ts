import { createClient } from 'redis';
import { EventTypes, Topics } from '@shop/contracts';
import { backendAvailability, describeNeedingBackend, eventually, jsonClient, ReplicaUrlVariable, uniqueTestTag, type BackendAvailability } from '@shop/testing';
import { redisServerPath, startRedisServer, type RedisServerProcess } from './redis-server-process';
import { startProcessPlatform, type ProcessPlatform } from './service-processes';

/** The servers of two regions: the primary and its replica, the one event bus (REDIS_URL), and a binary for each region's own Redis. */
interface TwoRegionBackends {
  postgres: string;
  replica: string;
  /** The shared event bus. */
  redis: string;
  redisServer: string;
}

/**
 * `describe` for the suite. PostgreSQL with its streaming replica, Redis (REDIS_URL: the one event bus) and
 * redis-server it needs as other suites need their servers: skipped with the reason, or failed under
 * REQUIRE_BACKENDS=1.
 */
function describeWithTwoRegions(title: string, body: (backends: TwoRegionBackends) => void): void {
  const servers = backendAvailability(['postgres', 'redis']);
  const replica = process.env[ReplicaUrlVariable]?.trim();
  const redisServer = redisServerPath();
  const availability: BackendAvailability<TwoRegionBackends> =
    'missing' in servers
      ? servers
      : !replica
        ? { missing: `${ReplicaUrlVariable} is not set, so no PostgreSQL streaming replica to test against (scripts/pg-replica.sh start)` }
        : redisServer
          ? { found: { ...servers.found, replica, redisServer } }
          : { missing: "there is no redis-server on PATH or at REDIS_SERVER_PATH for each region's own Redis" };
  describeNeedingBackend(title, availability, body, 'its servers');
}

/** `db_reads_total{pool="replica",reason="in_read_path"}` of a service's /metrics (0 when not yet counted). */
async function replicaReads(serviceUrl: string): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  const found = /^db_reads_total\{pool="replica",reason="in_read_path",service="[^"]+"\} (\d+)$/m.exec(text);
  return found ? Number(found[1]) : 0;
}

/** `event_deliveries_total{topic, outcome="success"}` of a service's /metrics: the events its handlers took on `topic`. */
async function deliveries(serviceUrl: string, topic: string): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  const found = new RegExp(`^event_deliveries_total\\{topic="${topic}",outcome="success",service="[^"]+"\\} (\\d+)$`, 'm').exec(text);
  return found ? Number(found[1]) : 0;
}

/** The lines of a service's /metrics that start with `name` (for a failure message). */
async function metricLines(serviceUrl: string, name: string): Promise<string> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .join('; ');
}

const shippingAddress = { name: 'Shopper', line1: '1 Main St', city: 'Porto', postalCode: '4000-001', country: 'PT' };

/**
 * Two regions as production has them (docs/regions.md): each region its own gateway and services on its own Redis
 * (state, cache, carts), both regions on the one PostgreSQL primary and its streaming replica, and one event bus
 * between them (Redis Streams on the machine's Redis standing for the global Service Bus namespace). The tests run in
 * order, each on what the ones before did.
 */
describeWithTwoRegions(
  'two regions: a gateway and services per region on its own Redis, one PostgreSQL primary and its replica, one event bus',
  (backends) => {
    let westRedis: RedisServerProcess | undefined;
    let eastRedis: RedisServerProcess | undefined;
    let west: ProcessPlatform | undefined;
    let east: ProcessPlatform | undefined;
    const redisKeyPrefix = uniqueTestTag('e2e2r');

    const atWest = jsonClient(() => west!.gatewayUrl);
    const atEast = jsonClient(() => east!.gatewayUrl);
    const serviceUrl = (platform: ProcessPlatform | undefined, app: string) => platform!.services.find((service) => service.appId === app)!.url;

    /** The types of the events the one event bus holds on `topic`, oldest first (the suite's streams are its own). */
    const eventTypesOn = async (topic: string): Promise<string[]> => {
      const client = createClient({ url: backends.redis });
      await client.connect();
      try {
        const entries = await client.xRange(`${redisKeyPrefix}:events:${topic}`, '-', '+');
        return (entries ?? []).map((entry) => (JSON.parse(entry.message.event) as { type: string }).type);
      } finally {
        await client.quit();
      }
    };

    /** Polls west's product page until `shows` holds (5 s), else fails naming what west still serves and its L2 lookups. */
    const untilWestShows = async (shows: (product: { name: string; price: { amount: number }; availability: { available: number } }) => boolean, after: string): Promise<void> => {
      await eventually(async () => shows((await atWest('GET', `/api/catalog/products/${productId}`)).body), 5000, 100).catch(async (error: unknown) => {
        const stale = (await atWest('GET', `/api/catalog/products/${productId}`)).body;
        const lookups = await metricLines(serviceUrl(west, 'catalog'), 'cache_lookups_total{cache="catalog_product_l2"');
        throw new Error(`after ${after}, west still serves "${stale.name}" at ${stale.price.amount} with ${stale.availability.available} available (west's catalog: ${lookups}): ${String(error)}`);
      });
    };

    // What the tests share.
    const marker = `Borealis${Date.now().toString(36)}`;
    const shopper = { email: `two-regions-${Date.now()}@example.com`, password: 'correct horse battery', name: 'Shopper' };
    let productId = '';
    let etag = '';
    let eastAdmin = '';
    let westShopper = '';
    let eastShopper = '';

    beforeAll(async () => {
      [westRedis, eastRedis] = await Promise.all([startRedisServer(backends.redisServer), startRedisServer(backends.redisServer)]);
      const apps = ['auth', 'catalog', 'cart', 'order'];
      const common = { databaseServerUrl: backends.postgres, replicaServerUrl: backends.replica, pubsubRedisUrl: backends.redis, redisKeyPrefix, apps };
      // Every process knows its region (REGION), as the chart's values-region-<location>.yaml tells it.
      const inRegion = (region: string) => Object.fromEntries(apps.map((app) => [app, { REGION: region }]));
      // East takes west's databases and secrets, so it starts once west has created (and migrated) them.
      west = await startProcessPlatform({ ...common, redisUrl: westRedis.url, env: inRegion('west') });
      east = await startProcessPlatform({ ...common, redisUrl: eastRedis.url, env: inRegion('east'), databaseUrls: west.databaseUrls, secrets: west.secrets });
    }, 180_000);

    afterAll(async () => {
      // East first: stopping west drops the databases east uses.
      await east?.stop();
      await west?.stop();
      await Promise.all([westRedis?.stop(), eastRedis?.stop()]);
      // The suite's streams and consumer groups on the shared event Redis.
      const events = createClient({ url: backends.redis });
      await events.connect();
      try {
        for await (const keys of events.scanIterator({ MATCH: `${redisKeyPrefix}:*`, COUNT: 500 })) if (keys.length > 0) await events.del(keys);
      } finally {
        await events.quit();
        // The closed socket leaves the list of handles on the next turn (the open-handles reporter looks right after).
        await new Promise((resolve) => setImmediate(resolve));
      }
    }, 90_000);

    it('when an admin creates a product in west, then a shopper reads and finds it through either region, and each region\'s catalog searched on the replica', async () => {
      const westAdmin = (await atWest('POST', '/api/auth/login', { body: west!.admin })).body.accessToken as string;
      expect(westAdmin).toBeDefined();
      const created = await atWest('POST', '/api/catalog/products', {
        token: westAdmin,
        body: { sku: `E2E2R-${Date.now()}`, name: `${marker} Lantern`, description: 'A lantern for the two-region test', brand: 'E2E', price: { amount: 2500, currency: 'EUR' }, status: 'active' },
      });
      expect(created.status).toBe(201);
      productId = created.body.id as string;
      const stocked = await atWest('PUT', `/api/catalog/products/${productId}/inventory`, { token: westAdmin, headers: { 'if-match': created.headers.get('etag')! }, body: { onHand: 10 } });
      expect(stocked.status).toBe(200);
      etag = stocked.headers.get('etag')!;
      // A product on sale for more than a moment, as in production: a catalog change leaves a tombstone in its
      // region's L2 for TOMBSTONE_SECONDS (10, apps/catalog/src/data/two-level-cache.ts) that keeps reads from filling
      // L2. Once it lapses, the reads below fill L2 in both regions, which the change in east must then reach.
      await new Promise((resolve) => setTimeout(resolve, 10_500));

      const replicaReadsBefore = await Promise.all([replicaReads(serviceUrl(west, 'catalog')), replicaReads(serviceUrl(east, 'catalog'))]);
      for (const call of [atWest, atEast]) {
        const product = await call('GET', `/api/catalog/products/${productId}`);
        expect(product.status).toBe(200);
        expect(product.body).toMatchObject({ name: `${marker} Lantern`, price: { amount: 2500, currency: 'EUR' }, availability: { available: 10 } });
        // The search reads the replica: the product is there once the replica has replayed its commit.
        const found = await eventually(async () => {
          const search = await call('GET', `/api/catalog/products?q=${marker}`);
          return search.status === 200 && search.body.items.length > 0 && search.body;
        }, 10_000, 100);
        expect(found.items.map((item: { id: string }) => item.id)).toEqual([productId]);
      }
      const replicaReadsAfter = await Promise.all([replicaReads(serviceUrl(west, 'catalog')), replicaReads(serviceUrl(east, 'catalog'))]);
      expect(replicaReadsAfter[0]).toBeGreaterThan(replicaReadsBefore[0]);
      expect(replicaReadsAfter[1]).toBeGreaterThan(replicaReadsBefore[1]);
    }, 30_000);

    it('when a shopper registered in west signs in at east, then east accepts them (one auth database, one signing key)', async () => {
      expect((await atWest('POST', '/api/auth/register', { body: shopper })).status).toBe(202);
      westShopper = (await atWest('POST', '/api/auth/login', { body: { email: shopper.email, password: shopper.password } })).body.accessToken as string;
      const signedIn = await atEast('POST', '/api/auth/login', { body: { email: shopper.email, password: shopper.password } });
      expect(signedIn.status).toBe(200);
      eastShopper = signedIn.body.accessToken as string;
      // Each region's services accept the other's tokens: the cart at east answers a token west signed, and back.
      expect((await atEast('GET', '/api/cart', { token: westShopper })).status).toBe(200);
      expect((await atWest('GET', '/api/cart', { token: eastShopper })).status).toBe(200);
    }, 30_000);

    it('when the product\'s name and price change in east, then east serves the change at once and west\'s catalog hears of it on the shared event bus', async () => {
      eastAdmin = (await atEast('POST', '/api/auth/login', { body: east!.admin })).body.accessToken as string;
      // Both regions have the product in their caches now (the reads above).
      expect((await atWest('GET', `/api/catalog/products/${productId}`)).body.price.amount).toBe(2500);
      const invalidationsAtWest = await deliveries(serviceUrl(west, 'catalog'), Topics.catalogCache);
      const changed = await atEast('PATCH', `/api/catalog/products/${productId}`, { token: eastAdmin, headers: { 'if-match': etag }, body: { name: `${marker} Storm Lantern`, price: { amount: 2700 } } });
      expect(changed.status).toBe(200);
      etag = changed.headers.get('etag')!;
      expect((await atEast('GET', `/api/catalog/products/${productId}`)).body).toMatchObject({ name: `${marker} Storm Lantern`, price: { amount: 2700 } });
      // East's broadcast reached west's catalog (a consumer group of its own per process, on the one bus).
      await eventually(async () => (await deliveries(serviceUrl(west, 'catalog'), Topics.catalogCache)) > invalidationsAtWest, 5000, 50);
    }, 30_000);

    // The broadcast only drops west's L1: west's L2 (its own Redis) hears of the change through the catalog's events,
    // once per region (REGION), or would keep the old product and list pages for a day.
    it('when the product changed in east, then west\'s product page and search show the change within a few seconds', async () => {
      await untilWestShows((product) => product.price.amount === 2700 && product.name === `${marker} Storm Lantern`, 'the change in east');
      const search = await atWest('GET', `/api/catalog/products?q=${marker}`);
      expect(search.body.items).toMatchObject([{ id: productId, name: `${marker} Storm Lantern`, price: { amount: 2700 } }]);
    }, 30_000);

    it('when the shopper adds to the cart in west, then the cart at east does not hold it (a cart is regional: Front Door keeps a session on one origin)', async () => {
      const addedAtWest = await atWest('POST', '/api/cart/items', { token: westShopper, body: { productId, quantity: 1 } });
      expect(addedAtWest.status).toBe(200);
      expect(addedAtWest.body.itemCount).toBe(1);
      expect((await atEast('GET', '/api/cart', { token: eastShopper })).body.itemCount).toBe(0);
      expect((await atWest('GET', '/api/cart', { token: eastShopper })).body.itemCount).toBe(1);
    }, 30_000);

    it('when the shopper checks out at east, then one order is confirmed, the stock drops once, west\'s history shows the order, the cart at east is empty and no region handles an order event twice', async () => {
      const added = await atEast('POST', '/api/cart/items', { token: eastShopper, body: { productId, quantity: 2 } });
      expect(added.status).toBe(200);
      expect(added.body.subtotal).toEqual({ amount: 5400, currency: 'EUR' });
      const placed = await atEast('POST', '/api/orders', { token: eastShopper, headers: { 'idempotency-key': uniqueTestTag('order') }, body: { shippingAddress, paymentToken: 'pm_sim_approve' } });
      expect(placed.status).toBe(201);
      expect(placed.body).toMatchObject({ status: 'confirmed', total: { amount: 5400, currency: 'EUR' } });

      // The history reads the replica: the order shows at west once its commit is replayed, and only once.
      const history = await eventually(async () => {
        const orders = await atWest('GET', '/api/orders', { token: westShopper });
        return orders.status === 200 && orders.body.items.length > 0 && orders.body;
      }, 10_000, 100);
      expect(history.items.map((order: { id: string }) => order.id)).toEqual([placed.body.id]);
      expect((await atWest('GET', `/api/orders/${placed.body.id}`, { token: westShopper })).body.status).toBe('confirmed');

      // The checkout took the cart at east at once; nothing a later event does brings its lines back.
      const cartAtEast = await eventually(async () => {
        const cart = await atEast('GET', '/api/cart', { token: eastShopper });
        return cart.body.itemCount === 0 && cart.body;
      }, 15_000, 100);
      expect(cartAtEast.itemCount).toBe(0);

      // Each event of the order (order → outbox → the one bus) reaches a cart, and none reaches a region's carts twice.
      // Counted against the stream itself once order.confirmed is on it.
      const published = await eventually(async () => {
        const types = await eventTypesOn(Topics.orders);
        return types.includes(EventTypes.orderConfirmed) && types;
      }, 10_000, 50);
      expect(published.filter((type) => type === EventTypes.orderConfirmed)).toHaveLength(1);
      const handled = () => Promise.all([deliveries(serviceUrl(west, 'cart'), Topics.orders), deliveries(serviceUrl(east, 'cart'), Topics.orders)]);
      await eventually(async () => (await handled()).reduce((sum, count) => sum + count, 0) >= published.length, 10_000, 50);

      // 10 on hand, 2 sold: taken once (a second handling of the order would show 6), and nothing changes later.
      expect((await atEast('GET', `/api/catalog/products/${productId}`)).body.availability.available).toBe(8);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await atEast('GET', `/api/catalog/products/${productId}`)).body.availability.available).toBe(8);
      expect(await eventTypesOn(Topics.orders)).toEqual(published);
      for (const handledInRegion of await handled()) expect(handledInRegion).toBeLessThanOrEqual(published.length);
      expect((await atWest('GET', '/api/orders', { token: westShopper })).body.items).toHaveLength(1);
    }, 60_000);

    // As above: the stock east reserved reaches west's L2 through the catalog's inventory events.
    it('when the order at east took stock, then west\'s product page shows the drop within a few seconds', async () => {
      await untilWestShows((product) => product.availability.available === 8, 'the order at east');
    }, 30_000);

    // Every region's carts hear of every order (a consumer group per region); the order says it took a cart, so west's
    // cart, which holds no checkout of it, leaves its lines alone.
    it('when the shopper ordered at east, then the cart at west keeps the line added there, once west\'s cart has handled the order\'s events', async () => {
      const published = await eventTypesOn(Topics.orders);
      await eventually(async () => (await deliveries(serviceUrl(west, 'cart'), Topics.orders)) >= published.length, 10_000, 50);
      const cartAtWest = await atWest('GET', '/api/cart', { token: westShopper });
      expect(cartAtWest.body).toMatchObject({ itemCount: 1, lines: [expect.objectContaining({ productId, quantity: 1 })] });
    }, 30_000);
  },
);
