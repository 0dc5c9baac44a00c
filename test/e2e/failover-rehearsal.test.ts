import pg from 'pg';
import { databaseOnServer, describeWithBackend, describeWithReplicationPair, eventually, jsonClient, uniqueTestTag, type JsonAnswer, type ReplicationPair } from '@shop/testing';
import { startProcessPlatform, type DatabaseOwner, type ProcessPlatform } from './service-processes';

// Issue 18, the failover rehearsal of docs/operations.md ("Failover"): the services run as separate processes on a
// private primary with a synchronous streaming replica (the zone-redundant HA standby's shape); the primary crashes,
// the replica is promoted, and the services are pointed at it by configuration alone (their DATABASE_URLs).

const password = 'correct horse battery';
const shippingAddress = { name: 'Shopper', line1: '1 Main St', city: 'Porto', postalCode: '4000-001', country: 'PT' };
const checkoutBody = { shippingAddress, paymentToken: 'pm_sim_approve' };

/** What the databases hold about the rehearsal's product: the confirmed orders and its stock. */
interface Ledger {
  confirmedOrders: number;
  unitsConfirmed: number;
  onHand: number;
  reserved: number;
}

/** Counts, with SQL on the databases themselves, what was confirmed of `productId` and the stock left. */
async function readLedger(databaseUrls: Partial<Record<DatabaseOwner, string>>, productId: string): Promise<Ledger> {
  const first = async <R>(url: string | undefined, sql: string): Promise<R> => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    await client.connect();
    try {
      return (await client.query(sql, [productId])).rows[0] as R;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const orders = await first<{ orders: string; units: string }>(
    databaseUrls.order,
    `SELECT count(DISTINCT o.id) AS orders, coalesce(sum(l.quantity), 0) AS units
       FROM "order".orders o JOIN "order".order_lines l ON l.order_id = o.id
      WHERE o.status = 'confirmed' AND l.product_id = $1`,
  );
  const stock = await first<{ on_hand: number; reserved: number }>(databaseUrls.catalog, 'SELECT on_hand, reserved FROM catalog.inventory WHERE product_id = $1');
  return { confirmedOrders: Number(orders.orders), unitsConfirmed: Number(orders.units), onHand: stock.on_hand, reserved: stock.reserved };
}

describeWithBackend('redis', 'failover rehearsal (issue 18)', (redisUrl) => {
  describeWithReplicationPair('the platform as processes on a primary with a synchronous replica', (getPair) => {
    let pair: ReplicationPair;
    let platform: ProcessPlatform | undefined;
    let promoted: ProcessPlatform | undefined;
    let current: () => ProcessPlatform;
    const call = jsonClient(() => current().gatewayUrl);
    const redisKeyPrefix = uniqueTestTag('failover');

    const onHand = 10;
    let productId: string;
    let unseenProductId: string;
    let marker: string;
    const shoppers: Array<{ email: string; token: string }> = [];
    /** Shoppers' checkouts before the crash, with the key and answer of each. */
    const placed: Array<{ token: string; key: string; answer: JsonAnswer }> = [];
    let before: Ledger;
    /** The checkout refused during the outage: retried after the failover with the same key. */
    let refusedCheckoutKey: string;

    const checkout = (token: string, key: string) => call('POST', '/api/orders', { token, headers: { 'idempotency-key': key }, body: checkoutBody });

    beforeAll(async () => {
      pair = getPair();
      platform = await startProcessPlatform({
        databaseServerUrl: pair.primaryServerUrl,
        replicaServerUrl: pair.replicaServerUrl,
        redisUrl,
        redisKeyPrefix,
        apps: ['auth', 'catalog', 'cart', 'order'],
      });
      current = () => promoted ?? platform!;
    }, 180_000);

    afterAll(async () => {
      // The first platform's databases are on the dead primary: its drop fails, and is caught there.
      await promoted?.stop();
      await platform?.stop();
    }, 60_000);

    it('when shoppers check out on the primary, then every order is confirmed and the stock drops by what they bought', async () => {
      const admin = (await call('POST', '/api/auth/login', { body: current().admin })).body.accessToken as string;
      marker = `Failover${Date.now().toString(36)}`;
      const createProduct = async (name: string, stock: number) => {
        const created = await call('POST', '/api/catalog/products', {
          token: admin,
          body: { sku: uniqueTestTag('FO-').toUpperCase(), name, description: 'A product of the failover rehearsal', brand: 'E2E', price: { amount: 1250, currency: 'EUR' }, status: 'active' },
        });
        expect(created.status).toBe(201);
        const stocked = await call('PUT', `/api/catalog/products/${created.body.id}/inventory`, { token: admin, headers: { 'if-match': created.headers.get('etag')! }, body: { onHand: stock } });
        expect(stocked.status).toBe(200);
        return created.body.id as string;
      };
      productId = await createProduct(`${marker} Lantern`, onHand);
      // Never read before the crash: its page can only come from the replica then (no cached copy).
      unseenProductId = await createProduct(`${marker} Compass`, 3);

      for (let i = 0; i < 4; i += 1) {
        const email = `failover-${i}-${uniqueTestTag()}@example.com`;
        expect((await call('POST', '/api/auth/register', { body: { email, password, name: `Shopper ${i}` } })).status).toBe(202);
        const token = (await call('POST', '/api/auth/login', { body: { email, password } })).body.accessToken as string;
        expect((await call('POST', '/api/cart/items', { token, body: { productId, quantity: 2 } })).status).toBe(200);
        shoppers.push({ email, token });
      }
      // Three check out now; the fourth keeps a full cart for the outage.
      for (const { token } of shoppers.slice(0, 3)) {
        const key = uniqueTestTag('checkout-');
        const answer = await checkout(token, key);
        expect(answer.status).toBe(201);
        expect(answer.body).toMatchObject({ status: 'confirmed', total: { amount: 2500, currency: 'EUR' } });
        placed.push({ token, key, answer });
      }

      before = await readLedger(current().databaseUrls, productId);
      expect(before).toEqual({ confirmedOrders: 3, unitsConfirmed: 6, onHand: onHand - 6, reserved: 0 });
    }, 60_000);

    it('when the primary crashes, then product pages and searches answer from the replica, checkout answers a fast 503, and /readyz stays 200 but degraded, naming the database', async () => {
      await pair.stopPrimary({ mode: 'immediate' });

      const page = await call('GET', `/api/catalog/products/${unseenProductId}`);
      expect(page.status).toBe(200);
      expect(page.body.availability.available).toBe(3);
      const search = await call('GET', `/api/catalog/products?q=${marker}`);
      expect(search.status).toBe(200);
      expect(search.body.items.map((item: { id: string }) => item.id).sort()).toEqual([productId, unseenProductId].sort());

      refusedCheckoutKey = uniqueTestTag('checkout-');
      const started = performance.now();
      const refused = await checkout(shoppers[3].token, refusedCheckoutKey);
      const elapsedMs = performance.now() - started;
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ type: 'urn:shop:problem:unavailable', detail: expect.stringMatching(/database/i) });
      expect(refused.headers.get('retry-after')).toBeTruthy();
      expect(elapsedMs).toBeLessThan(1000);

      const order = current().services.find((service) => service.appId === 'order')!;
      // Ready but degraded, naming the database: the pods keep serving the reads (Front Door and the Services keep them).
      const readiness = await fetch(`${order.url}/readyz`);
      expect(readiness.status).toBe(200);
      expect(await readiness.json()).toEqual({
        status: 'degraded',
        checks: [{ name: 'database', ok: true, degraded: expect.stringMatching(/^PostgreSQL primary did not answer: .*; reads are served by the read replica/) }],
      });
    }, 30_000);

    it('when the replica is promoted and the services are pointed at it by configuration, then every order and unit of stock confirmed before the crash is there', async () => {
      await pair.promoteReplica();
      const old = platform!;
      await old.stop();
      const databaseUrls = Object.fromEntries(Object.entries(old.databaseUrls).map(([app, url]) => [app, databaseOnServer(url, pair.replicaServerUrl)]));
      promoted = await startProcessPlatform({
        // Unused: every database is given (and so never dropped by this platform).
        databaseServerUrl: pair.replicaServerUrl,
        databaseUrls,
        redisUrl,
        redisKeyPrefix,
        // The same signing key: tokens issued before the failover still verify.
        secrets: old.secrets,
        apps: ['auth', 'catalog', 'cart', 'order'],
      });

      expect(await readLedger(promoted.databaseUrls, productId)).toEqual(before);
      for (const { token, answer } of placed) {
        const history = await call('GET', '/api/orders', { token });
        expect(history.status).toBe(200);
        expect(history.body.items.map((order: { id: string }) => order.id)).toEqual([answer.body.id]);
      }
    }, 120_000);

    it('when shoppers check out after the failover, then their orders are confirmed and the stock drops accordingly', async () => {
      // The checkout refused in the outage, retried with its key as the shopper's client does after Retry-After.
      const retried = await checkout(shoppers[3].token, refusedCheckoutKey);
      expect(retried.status).toBe(201);
      expect(retried.body).toMatchObject({ status: 'confirmed' });
      // A cart a confirmed order consumed is empty (order.confirmed reached cart before the crash).
      await eventually(async () => (await call('GET', '/api/cart', { token: shoppers[0].token })).body.itemCount === 0, 15_000, 100);
      const added = await call('POST', '/api/cart/items', { token: shoppers[0].token, body: { productId, quantity: 1 } });
      expect(added.status).toBe(200);
      expect(added.body.subtotal).toEqual({ amount: 1250, currency: 'EUR' });
      const another = await checkout(shoppers[0].token, uniqueTestTag('checkout-'));
      expect(another.status).toBe(201);
      expect(another.body).toMatchObject({ status: 'confirmed' });

      expect(await readLedger(current().databaseUrls, productId)).toEqual({ confirmedOrders: 5, unitsConfirmed: 9, onHand: onHand - 9, reserved: 0 });
      expect((await call('GET', `/api/catalog/products/${productId}`)).body.availability.available).toBe(onHand - 9);
    }, 30_000);

    it('when a checkout confirmed before the crash is retried with its Idempotency-Key, then the same order answers and nothing is bought twice', async () => {
      const ledger = await readLedger(current().databaseUrls, productId);
      for (const { token, key, answer } of placed) {
        const replay = await checkout(token, key);
        expect(replay.status).toBe(answer.status);
        expect(replay.body.id).toBe(answer.body.id);
      }
      expect(await readLedger(current().databaseUrls, productId)).toEqual(ledger);
    }, 30_000);
  });
});
