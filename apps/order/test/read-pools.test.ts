import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { AppIds, OrderInternalPaths } from '@shop/contracts';
import { migrateCatalog } from '@shop/catalog';
import { PgDatabase, type ReadPathStatus } from '@shop/postgres';
import { describeWithReplica, eventually, readPoolUsed, startTcpProxy, type ReadPoolUsed, type TcpProxy } from '@shop/testing';
import { migrateOrderDatabase } from '../src';
import { adminBearer, bearerFor, newKey, orderTableCounts, platformAppApiToken, startTestPlatform, type PlatformDatabases, type TestPlatform } from './order-platform';

/** Reads (`readQuery`) so far of a database with a replica, by where they were served. */
function readsOf(db: PgDatabase): ReadPathStatus['reads'] {
  return db.readPathStatus().reads;
}

/**
 * Catalog and order on a real primary and its real streaming replica, each behind a TCP proxy the test can cut: the
 * rule of docs/architecture.md ("Which reads go to the replica") route by route, and what each route does while the
 * replica or the primary is gone.
 */
describeWithReplica('read pools: which server each route of catalog and order reads from, on a real streaming replica', (database) => {
  let primaryProxy: TcpProxy;
  let replicaProxy: TcpProxy;
  let dbs: PlatformDatabases & { catalog: PgDatabase; order: PgDatabase };
  let platform: TestPlatform;
  const shopper = `pools-${randomUUID().slice(0, 8)}`;
  const marker = `Pooltest${Date.now().toString(36)}`;
  let productId: string;
  let orderId: string;
  let orderKey: string;

  beforeAll(async () => {
    const primary = new URL(database().primaryUrl);
    const replica = new URL(database().replicaUrl);
    primaryProxy = await startTcpProxy({ host: primary.hostname, port: Number(primary.port || 5432) });
    replicaProxy = await startTcpProxy({ host: replica.hostname, port: Number(replica.port || 5432) });
    // Short waits, so a refused server ends in a fast 503; the catalog and the order service each in their own schema.
    const open = (schema: string) =>
      new PgDatabase({
        url: primaryProxy.urlFor(database().primaryUrl),
        readUrl: replicaProxy.urlFor(database().replicaUrl),
        schema,
        acquireTimeoutMs: 500,
        statementTimeoutMs: 2000,
        replicaLagCheckIntervalMs: 100,
      });
    dbs = { catalog: open(AppIds.catalog), order: open(AppIds.order) };
    await migrateCatalog(dbs.catalog);
    await migrateOrderDatabase(dbs.order);
    platform = await startTestPlatform(dbs, { paymentTimeoutMs: 10_000 });
    productId = await createProductNamed(`${marker} lamp`, 10);
  }, 60_000);

  afterAll(async () => {
    primaryProxy?.resume();
    replicaProxy?.resume();
    await platform?.close();
    await dbs?.catalog.close();
    await dbs?.order.close();
    await primaryProxy?.close();
    await replicaProxy?.close();
  });

  async function createProductNamed(name: string, onHand: number): Promise<string> {
    const created = await platform.catalog.post('/api/catalog/products').set('Authorization', adminBearer).send({ sku: `POOL-${randomUUID().slice(0, 8)}`, name, price: { amount: 2500, currency: 'EUR' }, status: 'active' });
    expect(created.status).toBe(201);
    await platform.catalog.put(`/api/catalog/products/${created.body.id}/inventory`).set('Authorization', adminBearer).set('If-Match', created.headers.etag).send({ onHand }).expect(200);
    return created.body.id as string;
  }

  /** Waits until the replica has replayed everything the primary committed so far (both schemas live in one database). */
  async function replicaCaughtUp(): Promise<void> {
    const { rows } = await dbs.order.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    await eventually(async () => (await dbs.order.readQuery<{ done: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [rows[0].lsn])).rows[0]?.done === true, 10_000, 20);
  }

  /** Runs one request and tells which pool each service's reads used. */
  async function poolsOf(call: () => Promise<request.Response>, status: number): Promise<{ catalog: ReadPoolUsed; order: ReadPoolUsed }> {
    const before = { catalog: readsOf(dbs.catalog), order: readsOf(dbs.order) };
    const response = await call();
    expect({ status: response.status, body: response.status === status ? undefined : response.body }).toEqual({ status, body: undefined });
    return { catalog: readPoolUsed(before.catalog, readsOf(dbs.catalog)), order: readPoolUsed(before.order, readsOf(dbs.order)) };
  }

  it('when each route runs once with both servers up, then reads that may be a little stale use the replica and everything that must see its own writes uses the primary only', async () => {
    await replicaCaughtUp();
    const today = new Date().toISOString().slice(0, 10);
    const observed: Record<string, { catalog: ReadPoolUsed; order: ReadPoolUsed }> = {};
    const see = async (route: string, call: () => Promise<request.Response>, status = 200) => void (observed[route] = await poolsOf(call, status));

    // Catalog.
    await see('GET /api/catalog/products/:id (cache miss: fills the cache)', () => platform.catalog.get(`/api/catalog/products/${productId}`));
    await see('GET /api/catalog/products?q= (search)', () => platform.catalog.get(`/api/catalog/products?q=${marker}`));
    await see('GET /api/catalog/categories', () => platform.catalog.get('/api/catalog/categories'));
    const admin = await platform.catalog.get(`/api/catalog/admin/products/${productId}`).set('Authorization', adminBearer);
    await see('GET /api/catalog/admin/products/:id (the admin reads what they saved)', () => platform.catalog.get(`/api/catalog/admin/products/${productId}`).set('Authorization', adminBearer));
    await see('PATCH /api/catalog/products/:id (admin edit)', () => platform.catalog.patch(`/api/catalog/products/${productId}`).set('Authorization', adminBearer).set('If-Match', admin.headers.etag).send({ description: 'Edited by the pool test' }));

    // Order: checkout (the cart consumed, the stock reserved in catalog), its replay, the shopper's and the admin's reads.
    await platform.addToCart(shopper, productId, 2);
    orderKey = newKey('pools');
    let placed: request.Response | undefined;
    await see('POST /api/orders (checkout)', async () => (placed = await platform.placeOrder(shopper, orderKey)), 201);
    orderId = placed!.body.id as string;
    expect(placed!.body.status).toBe('confirmed');
    await see('POST /api/orders (the same Idempotency-Key again: the replay)', () => platform.placeOrder(shopper, orderKey), 201);
    await see('GET /api/orders/:id (the page a checkout leads to)', () => platform.orders.get(`/api/orders/${orderId}`).set('Authorization', bearerFor(shopper)));
    await replicaCaughtUp();
    await see('GET /api/orders (the shopper\'s order history)', () => platform.orders.get('/api/orders').set('Authorization', bearerFor(shopper)));
    await see('GET /api/orders/admin/orders (admin search)', () => platform.orders.get('/api/orders/admin/orders').set('Authorization', adminBearer));
    await see(`POST ${OrderInternalPaths.dailyReport} (the batch job's aggregates)`, () => platform.orders.post(OrderInternalPaths.dailyReport).set('dapr-api-token', platformAppApiToken).send({ date: today }));
    await replicaCaughtUp();
    await see('GET /api/orders/reports/daily?date= (a stored report)', () => platform.orders.get(`/api/orders/reports/daily?date=${today}`).set('Authorization', adminBearer));

    const none = 'primary';
    expect(observed).toEqual({
      'GET /api/catalog/products/:id (cache miss: fills the cache)': { catalog: 'primary', order: none },
      'GET /api/catalog/products?q= (search)': { catalog: 'replica', order: none },
      'GET /api/catalog/categories': { catalog: 'replica', order: none },
      'GET /api/catalog/admin/products/:id (the admin reads what they saved)': { catalog: 'primary', order: none },
      'PATCH /api/catalog/products/:id (admin edit)': { catalog: 'primary', order: none },
      'POST /api/orders (checkout)': { catalog: 'primary', order: 'primary' },
      'POST /api/orders (the same Idempotency-Key again: the replay)': { catalog: 'primary', order: 'primary' },
      'GET /api/orders/:id (the page a checkout leads to)': { catalog: none, order: 'primary' },
      "GET /api/orders (the shopper's order history)": { catalog: none, order: 'replica' },
      'GET /api/orders/admin/orders (admin search)': { catalog: none, order: 'replica' },
      [`POST ${OrderInternalPaths.dailyReport} (the batch job's aggregates)`]: { catalog: 'primary', order: 'replica' },
      'GET /api/orders/reports/daily?date= (a stored report)': { catalog: none, order: 'replica' },
    });
  }, 60_000);

  it('when the replica refuses connections, then search, order history and a stored report still answer 200 from the primary, and the reads say replica_unavailable', async () => {
    expect(orderId).toBeDefined();
    replicaProxy.refuse();
    try {
      // Another query than before: the first one's page sits in the list cache.
      const search = await poolsOf(() => platform.catalog.get(`/api/catalog/products?q=${encodeURIComponent(`${marker} lamp`)}`), 200);
      const history = await poolsOf(() => platform.orders.get('/api/orders').set('Authorization', bearerFor(shopper)), 200);
      const report = await poolsOf(() => platform.orders.get(`/api/orders/reports/daily?date=${new Date().toISOString().slice(0, 10)}`).set('Authorization', adminBearer), 200);
      const fallback = 'primary (fallback: primary:replica_unavailable)';
      expect({ search: search.catalog, history: history.order, report: report.order }).toEqual({ search: fallback, history: fallback, report: fallback });
      const listed = await platform.orders.get('/api/orders').set('Authorization', bearerFor(shopper)).expect(200);
      expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(orderId);
      // The product page: from the cache the first read filled.
      await platform.catalog.get(`/api/catalog/products/${productId}`).expect(200);
    } finally {
      replicaProxy.resume();
    }
  }, 30_000);

  it('when the primary refuses connections, then the shopper\'s order and history answer 200 from the replica, /readyz is 200 degraded naming the database (503 once the replica goes too), a checkout and an admin edit answer 503 problem+json with Retry-After in under 1 s, and nothing of the refused checkout is written', async () => {
    expect(orderId).toBeDefined();
    const otherProduct = await createProductNamed(`${marker} vase`, 3);
    await platform.addToCart(shopper, otherProduct, 1);
    await replicaCaughtUp();
    const countsBefore = await orderTableCounts(dbs.order);
    const stockBefore = await platform.inventory(otherProduct);
    const admin = await platform.catalog.get(`/api/catalog/admin/products/${otherProduct}`).set('Authorization', adminBearer).expect(200);

    primaryProxy.refuse();
    try {
      const own = await poolsOf(() => platform.orders.get(`/api/orders/${orderId}`).set('Authorization', bearerFor(shopper)), 200);
      expect(own.order).toBe('replica');
      const shown = await platform.orders.get(`/api/orders/${orderId}`).set('Authorization', bearerFor(shopper)).expect(200);
      expect(shown.body).toMatchObject({ id: orderId, status: 'confirmed', history: expect.arrayContaining([expect.objectContaining({ to: 'confirmed' })]) });
      const listed = await platform.orders.get('/api/orders').set('Authorization', bearerFor(shopper)).expect(200);
      expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(orderId);
      // Someone else's order stays hidden, from the replica too.
      await platform.orders.get(`/api/orders/${orderId}`).set('Authorization', bearerFor(`${shopper}-other`)).expect(404);
      // Ready but degraded, naming the database: the pod keeps its traffic (the reads) while the primary is gone.
      for (const service of [platform.orders, platform.catalog]) {
        const ready = await service.get('/readyz');
        expect({ status: ready.status, body: ready.body.status, database: ready.body.checks.find((check: { name: string }) => check.name === 'database') }).toEqual({
          status: 200,
          body: 'degraded',
          database: { name: 'database', ok: true, degraded: expect.stringMatching(/^PostgreSQL primary did not answer: .*; reads are served by the read replica/) },
        });
      }

      for (const [what, call] of [
        ['checkout', () => platform.placeOrder(shopper, newKey('pools-down'))],
        ['admin edit', () => platform.catalog.patch(`/api/catalog/products/${otherProduct}`).set('Authorization', adminBearer).set('If-Match', admin.headers.etag).send({ name: 'Not saved' })],
      ] as const) {
        const startedAt = Date.now();
        const answer = await call();
        const ms = Date.now() - startedAt;
        expect({ what, status: answer.status, type: answer.headers['content-type'], retryAfter: answer.headers['retry-after'], fast: ms < 1000 }).toEqual({
          what,
          status: 503,
          type: expect.stringMatching(/^application\/problem\+json/),
          retryAfter: expect.stringMatching(/^\d+$/),
          fast: true,
        });
      }
      // The replica gone too: nothing left to serve from, not ready.
      replicaProxy.refuse();
      const notReady = await platform.orders.get('/readyz');
      expect({ status: notReady.status, body: notReady.body }).toEqual({
        status: 503,
        body: { status: 'not_ready', checks: [{ name: 'database', ok: false, error: expect.stringMatching(/^PostgreSQL primary did not answer: .*; PostgreSQL read replica did not answer: /) }] },
      });
    } finally {
      primaryProxy.resume();
      replicaProxy.resume();
    }

    // Back: the refused checkout left no order, no key and no reservation behind, and the cart still holds its line.
    await eventually(async () => dbs.order.query('SELECT 1').then(() => true, () => false), 10_000, 100);
    expect(await orderTableCounts(dbs.order)).toEqual(countsBefore);
    expect(await platform.inventory(otherProduct)).toEqual(stockBefore);
    expect(await platform.cartLines(shopper)).toEqual([{ productId: otherProduct, quantity: 1 }]);
  }, 60_000);
});
