import request from 'supertest';
import { createAuthApp, loadAuthConfig, migrateAuthDatabase, type AuthApp } from '@shop/auth';
import { generateSigningKey } from '@shop/auth-tokens';
import { InMemoryBroker, InMemoryStateStore } from '@shop/building-blocks';
import { loadCartConfig, startCartService } from '@shop/cart';
import { loadCatalogConfig, startCatalogService } from '@shop/catalog';
import { AppIds, AuthUserAuthorizationPaths, SimulatedPaymentTokens, tokenResponseSchema, userAuthorizationSchema } from '@shop/contracts';
import { loadOrderConfig, startOrderService } from '@shop/order';
import { createLogger, createServiceMetrics, listen, type RunningServer } from '@shop/platform';
import { PgliteDatabase, openThrowawayPgDatabase, type Database } from '@shop/postgres';
import { createEmbeddedBuildingBlocks } from '@shop/service-runtime';
import { describeEachDatabase, startTcpProxy, uniqueTestTag, type TcpProxy, type TestDatabase } from '@shop/testing';

/**
 * Issue 13, "Tokens": an access token keeps the roles it was signed with for its whole lifetime, so the admin actions
 * that cannot be undone (deleting a product, cancelling someone else's order, changing roles) ask auth's database
 * instead. Auth, catalog, cart and order run here as they run embedded (one process, in-memory building blocks,
 * direct HTTP between them) but with the app API token of separate processes, and catalog and order reach auth
 * through a TCP proxy the test can make refuse connections.
 */

const appApiToken = 'current-admin-role-test-app-api-token-0123456789';
const logger = createLogger({ service: 'current-admin-role-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const password = 'correct horse battery staple';

interface ServiceDatabases {
  auth: Database;
  catalog: Database;
  order: Database;
}

const serviceDatabases = {
  pglite: async (): Promise<TestDatabase<ServiceDatabases>> => {
    const [auth, catalog, order] = await Promise.all([PgliteDatabase.open(), PgliteDatabase.open(), PgliteDatabase.open()]);
    return { db: { auth, catalog, order }, close: async () => void (await Promise.all([auth.close(), catalog.close(), order.close()])) };
  },
  postgres: async (serverUrl: string): Promise<TestDatabase<ServiceDatabases>> => {
    const [auth, catalog, order] = await Promise.all(['admin_role_auth', 'admin_role_catalog', 'admin_role_order'].map((name) => openThrowawayPgDatabase(serverUrl, name)));
    return { db: { auth: auth.db, catalog: catalog.db, order: order.db }, close: async () => void (await Promise.all([auth.close(), catalog.close(), order.close()])) };
  },
};

describeEachDatabase<ServiceDatabases>('destructive admin actions and a demotion in auth\'s database', serviceDatabases, (getDbs) => {
  let auth: AuthApp;
  let authServer: RunningServer;
  let authProxy: TcpProxy;
  const servers: RunningServer[] = [];
  let catalogUrl: string;
  let cartUrl: string;
  let orderUrl: string;
  const broker = new InMemoryBroker();

  /** Bearer headers of two admins (`demoted` loses the role in the first test, `current` keeps it) and a shopper. */
  const bearer: { current: string; demoted: string; shopper: string } = { current: '', demoted: '', shopper: '' };
  const ids: { demoted: string; shopper: string } = { demoted: '', shopper: '' };

  async function signIn(email: string): Promise<{ authorization: string; userId: string }> {
    const { body } = await request(auth.app).post('/api/auth/login').send({ email, password }).expect(200);
    const tokens = tokenResponseSchema.parse(body);
    return { authorization: `Bearer ${tokens.accessToken}`, userId: tokens.user.id };
  }

  beforeAll(async () => {
    const dbs = getDbs();
    // Catalog and order migrate their databases as they start; the auth app is built without its start-up.
    await migrateAuthDatabase(dbs.auth);
    auth = createAuthApp({
      config: loadAuthConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PASSWORD_HASH_COST: '1024', APP_API_TOKEN: appApiToken }),
      logger,
      db: dbs.auth,
      stateStore: new InMemoryStateStore(),
      signingKeys: [generateSigningKey()],
      metrics: createServiceMetrics(AppIds.auth, { collectProcessMetrics: false }),
    });
    authServer = await listen(auth, { port: 0, host: '127.0.0.1', logger });
    authProxy = await startTcpProxy({ host: '127.0.0.1', port: authServer.port });
    const authUrl = authProxy.urlFor(authServer.url);

    const base = { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', APP_API_TOKEN: appApiToken, OUTBOX_POLL_INTERVAL_MS: '50' };
    const catalog = await startCatalogService({
      config: loadCatalogConfig({ ...base, SEED_DEMO_CATALOG: 'false', RESERVATION_SWEEP_INTERVAL_MS: '0' }),
      logger,
      blocks: createEmbeddedBuildingBlocks({ appId: AppIds.catalog, broker, serviceUrls: { [AppIds.auth]: authUrl } }),
      db: dbs.catalog,
    });
    servers.push(catalog);
    const cart = await startCartService({
      config: loadCartConfig(base),
      logger,
      blocks: createEmbeddedBuildingBlocks({ appId: AppIds.cart, broker, serviceUrls: { [AppIds.auth]: authUrl, [AppIds.catalog]: catalog.url } }),
    });
    servers.push(cart);
    const order = await startOrderService({
      config: loadOrderConfig({ ...base, RECOVERY_INTERVAL_MS: '3600000', RECOVERY_STALE_AFTER_MS: '3600000' }),
      logger,
      blocks: createEmbeddedBuildingBlocks({ appId: AppIds.order, broker, serviceUrls: { [AppIds.auth]: authUrl, [AppIds.catalog]: catalog.url, [AppIds.cart]: cart.url } }),
      db: dbs.order,
    });
    servers.push(order);
    catalogUrl = catalog.url;
    cartUrl = cart.url;
    orderUrl = order.url;

    // Two admins through the bootstrap path, a shopper through registration; tokens as the storefront gets them.
    const [currentEmail, demotedEmail, shopperEmail] = ['current-admin', 'demoted-admin', 'shopper'].map((label) => `${uniqueTestTag(label)}@example.com`);
    await auth.service.ensureAdmin({ email: currentEmail, password });
    await auth.service.ensureAdmin({ email: demotedEmail, password });
    await request(auth.app).post('/api/auth/register').send({ email: shopperEmail, password, name: 'Ada Lovelace' }).expect(202);
    const [current, demoted, shopper] = await Promise.all([signIn(currentEmail), signIn(demotedEmail), signIn(shopperEmail)]);
    bearer.current = current.authorization;
    bearer.demoted = demoted.authorization;
    bearer.shopper = shopper.authorization;
    ids.demoted = demoted.userId;
    ids.shopper = shopper.userId;
  }, 60_000);

  afterAll(async () => {
    for (const server of servers.reverse()) await server.stop();
    await authProxy?.close();
    await authServer?.stop();
    await broker.close();
  });

  let skuCounter = 0;
  /** An active product with stock, created and stocked by the current admin: its id and ETag. */
  async function createStockedProduct(): Promise<{ id: string; etag: string }> {
    skuCounter += 1;
    const created = await request(catalogUrl)
      .post('/api/catalog/products')
      .set('Authorization', bearer.current)
      .send({ sku: `ROLE-${process.pid}-${skuCounter}`, name: `Role test product ${skuCounter}`, price: { amount: 1500, currency: 'EUR' }, status: 'active' })
      .expect(201);
    const stocked = await request(catalogUrl)
      .put(`/api/catalog/products/${created.body.id}/inventory`)
      .set('Authorization', bearer.current)
      .set('If-Match', created.headers.etag)
      .send({ onHand: 10 })
      .expect(200);
    return { id: created.body.id as string, etag: stocked.headers.etag };
  }

  /** The stock on hand of a product, as the admin API shows it. */
  async function onHandOf(productId: string): Promise<number> {
    const { body } = await request(catalogUrl).get(`/api/catalog/admin/products/${productId}`).set('Authorization', bearer.current).expect(200);
    return body.inventory.onHand as number;
  }

  /** A confirmed order of the shopper's: one of the 10 units of a new product. */
  async function placeShopperOrder(): Promise<{ orderId: string; productId: string }> {
    const product = await createStockedProduct();
    const added = await request(cartUrl).post('/api/cart/items').set('Authorization', bearer.shopper).send({ productId: product.id, quantity: 1 });
    expect([200, 201]).toContain(added.status);
    const placed = await request(orderUrl)
      .post('/api/orders')
      .set('Authorization', bearer.shopper)
      .set('Idempotency-Key', uniqueTestTag('order'))
      .send({ shippingAddress: { name: 'Ada Lovelace', line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' }, paymentToken: SimulatedPaymentTokens.approve })
      .expect(201);
    expect(placed.body.status).toBe('confirmed');
    return { orderId: placed.body.id as string, productId: product.id };
  }

  const deleteProduct = (authorization: string, product: { id: string; etag: string }) =>
    request(catalogUrl).delete(`/api/catalog/products/${product.id}`).set('Authorization', authorization).set('If-Match', product.etag);
  const cancelOrder = (authorization: string, orderId: string) => request(orderUrl).post(`/api/orders/${orderId}/cancel`).set('Authorization', authorization);
  const setRoles = (authorization: string, userId: string, roles: string[]) =>
    request(auth.app).put(`/api/auth/users/${userId}/roles`).set('Authorization', authorization).send({ roles });

  it('when an admin is demoted in auth\'s database, then their still valid token deletes no product, cancels no one else\'s order and changes no roles, while reads still work', async () => {
    const product = await createStockedProduct();
    const { orderId, productId } = await placeShopperOrder();
    await setRoles(bearer.current, ids.demoted, ['customer']).expect(200);

    // The token still carries admin and still verifies: the admin reads, which trust it, answer.
    await request(catalogUrl).get('/api/catalog/admin/products').set('Authorization', bearer.demoted).expect(200);
    await request(orderUrl).get('/api/orders/admin/orders').set('Authorization', bearer.demoted).expect(200);

    const refusedDelete = await deleteProduct(bearer.demoted, product).expect(403);
    expect(refusedDelete.headers['content-type']).toMatch(/application\/problem\+json/);
    await request(catalogUrl).get(`/api/catalog/admin/products/${product.id}`).set('Authorization', bearer.current).expect(200);

    await cancelOrder(bearer.demoted, orderId).expect(403);
    const order = await request(orderUrl).get(`/api/orders/${orderId}`).set('Authorization', bearer.shopper).expect(200);
    expect(order.body.status).toBe('confirmed');
    expect(await onHandOf(productId)).toBe(9);

    // Not even to give the role back to themselves.
    await setRoles(bearer.demoted, ids.demoted, ['customer', 'admin']).expect(403);
    await setRoles(bearer.demoted, ids.shopper, ['customer', 'admin']).expect(403);
    const { body } = await request(auth.app).get(`/api/auth/users/${ids.shopper}`).set('Authorization', bearer.current).expect(200);
    expect(body.user.roles).toEqual(['customer']);
  });

  it('when the admin still holds the role, then their token deletes the product and cancels the shopper\'s order, whose stock comes back, recorded as an admin\'s cancellation', async () => {
    const product = await createStockedProduct();
    await deleteProduct(bearer.current, product).expect(204);
    await request(catalogUrl).get(`/api/catalog/admin/products/${product.id}`).set('Authorization', bearer.current).expect(404);

    const { orderId, productId } = await placeShopperOrder();
    expect(await onHandOf(productId)).toBe(9);
    const cancelled = await cancelOrder(bearer.current, orderId).expect(200);
    expect(cancelled.body).toMatchObject({ id: orderId, status: 'cancelled', failureReason: 'admin_cancelled' });
    expect(await onHandOf(productId)).toBe(10);
    // Cancelling again retries the idempotent release and refund, and answers the same.
    await cancelOrder(bearer.current, orderId).expect(200);
  });

  it('when auth cannot be reached, then the destructive admin actions answer 503 with Retry-After, while the shopper paths, which never ask auth, answer as before', async () => {
    const product = await createStockedProduct();
    const othersOrder = (await placeShopperOrder()).orderId;
    const ownOrder = (await placeShopperOrder()).orderId;
    const strangerEmail = `${uniqueTestTag('stranger')}@example.com`;
    await request(auth.app).post('/api/auth/register').send({ email: strangerEmail, password, name: 'Stranger' }).expect(202);
    const stranger = await signIn(strangerEmail);
    authProxy.refuse();
    try {
      const refusedDelete = await deleteProduct(bearer.current, product).expect(503);
      expect(refusedDelete.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(Number(refusedDelete.headers['retry-after'])).toBeGreaterThan(0);
      const refusedCancel = await cancelOrder(bearer.current, othersOrder).expect(503);
      expect(Number(refusedCancel.headers['retry-after'])).toBeGreaterThan(0);

      // A customer's cancellation of someone else's order is 404 as before (a call to auth would have been a 503).
      await cancelOrder(stranger.authorization, othersOrder).expect(404);
      const own = await cancelOrder(bearer.shopper, ownOrder).expect(200);
      expect(own.body).toMatchObject({ status: 'cancelled', failureReason: 'customer_cancelled' });
    } finally {
      authProxy.resume();
    }
    await request(catalogUrl).get(`/api/catalog/admin/products/${product.id}`).set('Authorization', bearer.current).expect(200);
    const untouched = await request(orderUrl).get(`/api/orders/${othersOrder}`).set('Authorization', bearer.shopper).expect(200);
    expect(untouched.body.status).toBe('confirmed');
    // Back: the same request goes through.
    await deleteProduct(bearer.current, product).expect(204);
  });

  it('when auth\'s internal route is called without the app API token, then 401; with it, the current roles', async () => {
    const path = AuthUserAuthorizationPaths.user(ids.demoted);
    await request(authServer.url).get(path).expect(401);
    await request(authServer.url).get(path).set('dapr-api-token', 'not-the-token').expect(401);
    const { body } = await request(authServer.url).get(path).set('dapr-api-token', appApiToken).expect(200);
    expect(userAuthorizationSchema.parse(body)).toEqual({ userId: ids.demoted, roles: ['customer'], disabled: false });
  });
});
