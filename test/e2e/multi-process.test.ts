import { describeWithBackends, eventually, jsonClient, uniqueTestTag } from '@shop/testing';
import { startProcessPlatform, type ProcessPlatform } from './service-processes';

describeWithBackends(['postgres', 'redis'], 'the platform as separate processes on PostgreSQL and Redis (Redis Streams events, Redis state)', (urls) => {
  let platform: ProcessPlatform;

  const call = jsonClient(() => platform.gatewayUrl);

  beforeAll(async () => {
    platform = await startProcessPlatform({
      databaseServerUrl: urls.postgres,
      redisUrl: urls.redis,
      redisKeyPrefix: uniqueTestTag('e2e'),
      apps: ['auth', 'catalog', 'cart', 'order'],
    });
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  it('when a scripted shopper registers, searches, adds to cart and checks out, then the order is confirmed and the cart empties', async () => {
    const admin = (await call('POST', '/api/auth/login', { body: platform.admin })).body.accessToken as string;
    expect(admin).toBeDefined();
    const marker = `Zephyrine${Date.now().toString(36)}`;
    const created = await call('POST', '/api/catalog/products', {
      token: admin,
      body: { sku: `E2E-${Date.now()}`, name: `${marker} Kettle`, description: 'A kettle for the end-to-end test', brand: 'E2E', price: { amount: 4599, currency: 'EUR' }, status: 'active' },
    });
    expect(created.status).toBe(201);
    const stocked = await call('PUT', `/api/catalog/products/${created.body.id}/inventory`, {
      token: admin,
      headers: { 'if-match': created.headers.get('etag')! },
      body: { onHand: 5 },
    });
    expect(stocked.status).toBe(200);

    const email = `shopper-${Date.now()}@example.com`;
    expect((await call('POST', '/api/auth/register', { body: { email, password: 'correct horse battery', name: 'Shopper' } })).status).toBe(202);
    const token = (await call('POST', '/api/auth/login', { body: { email, password: 'correct horse battery' } })).body.accessToken as string;

    const search = await call('GET', `/api/catalog/products?q=${marker}`);
    expect(search.status).toBe(200);
    expect(search.body.items.map((item: { id: string }) => item.id)).toEqual([created.body.id]);

    const added = await call('POST', '/api/cart/items', { token, body: { productId: created.body.id, quantity: 2 } });
    expect(added.status).toBe(200);
    expect(added.body.subtotal).toEqual({ amount: 9198, currency: 'EUR' });

    const placed = await call('POST', '/api/orders', {
      token,
      headers: { 'idempotency-key': `e2e-${Date.now()}` },
      body: { shippingAddress: { name: 'Shopper', line1: '1 Main St', city: 'Porto', postalCode: '4000-001', country: 'PT' }, paymentToken: 'pm_sim_approve' },
    });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ status: 'confirmed', total: { amount: 9198, currency: 'EUR' } });
    expect((await call('GET', '/api/orders', { token })).body.items.map((order: { id: string }) => order.id)).toContain(placed.body.id);

    // order.confirmed travels order → outbox → Redis Streams → cart (another process) → the cart empties.
    const cart = await eventually(async () => {
      const current = await call('GET', '/api/cart', { token });
      return current.body.itemCount === 0 && current;
    }, 15_000, 100);
    expect(cart.body.itemCount).toBe(0);
    expect((await call('GET', `/api/catalog/products/${created.body.id}`)).body.availability.available).toBe(3);
  }, 60_000);
});
