import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { InMemoryBroker, type CloudEvent, type InvokeRequest, type ServiceInvoker } from '@shop/building-blocks';
import { AppIds, EventTypes, OrderInternalPaths, Topics } from '@shop/contracts';
import type { Database } from '@shop/postgres';
import { createEmbeddedBuildingBlocks } from '@shop/service-runtime';
import { describeEachDatabase, eventually } from '@shop/testing';
import { createOrderApp, loadOrderConfig, startOrderService, type OrderApp } from '../src';
import { analyticsHandler } from '../src/events/subscriptions';
import { SqlAnalyticsAggregates } from '../src/data/reports.repository';
import { CatalogProductCategories } from '../src/clients/catalog-product-categories';
import { orderDatabases } from './order-databases';
import { adminBearer, bearerFor, testLogger, testVerifier } from './test-identity';

const appApiToken = 'report-test-token';
const day = '2025-05-04';

const databases = orderDatabases('order_report_test');

/** Catalog's public product API as the report sees it: p-lamp is in lighting, p-pen has no category, p-gone is 404. */
const catalogInvoker: ServiceInvoker & { calls: InvokeRequest[] } = {
  calls: [],
  async invoke<T>(_appId: string, req: InvokeRequest) {
    catalogInvoker.calls.push(req);
    const id = decodeURIComponent(req.path.split('/').pop()!);
    const categories: Record<string, unknown> = { 'p-lamp': { slug: 'lighting', name: 'Lighting', path: 'Home > Lighting' }, 'p-desk': { slug: 'furniture', name: 'Furniture', path: 'Home > Furniture' }, 'p-pen': null };
    if (!(id in categories)) return { status: 404, headers: {}, body: undefined as T };
    return { status: 200, headers: {}, body: { id, category: categories[id] } as T };
  },
};

async function insertOrder(db: Database, order: { status: string; currency: string; createdAt: string; lines: Array<{ productId: string; quantity: number; unitPrice: number }> }): Promise<void> {
  const id = randomUUID();
  const total = order.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  await db.query(
    `INSERT INTO orders (id, user_id, status, currency, subtotal, total, shipping_address, payment_method, created_at)
     VALUES ($1, 'u1', $2, $3, $4, $4, '{}'::jsonb, '{}'::jsonb, $5)`,
    [id, order.status, order.currency, total, order.createdAt],
  );
  for (const [index, line] of order.lines.entries()) {
    await db.query(
      'INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit_price, quantity, line_total) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [id, index + 1, line.productId, line.productId.toUpperCase(), `Name of ${line.productId}`, line.unitPrice, line.quantity, line.unitPrice * line.quantity],
    );
  }
}

function analyticsEvent(type: string, data: unknown, time = `${day}T10:00:00Z`, id = randomUUID()): CloudEvent<unknown> {
  return { specversion: '1.0', id, source: AppIds.catalog, type, time, datacontenttype: 'application/json', data };
}

describeEachDatabase<Database>('order daily report', databases, (getDb) => {
  let order: OrderApp;
  beforeAll(() => {
    order = createOrderApp({
      db: getDb(),
      verifier: testVerifier,
      cart: { readCart: async () => ({ lines: [], version: '' }), take: async () => 'cart_changed', release: async () => undefined },
      stock: {} as never,
      payments: {} as never,
      logger: testLogger,
      checkoutSettings: { reservationTtlSeconds: 900, paymentTimeoutMs: 300, idempotencyWaitMs: 1000 },
      recoverySettings: { intervalMs: 3_600_000, staleAfterMs: 3_600_000, leaseMs: 60_000, batchSize: 10 },
      categories: new CatalogProductCategories({ invoker: catalogInvoker, catalogAppId: AppIds.catalog }),
      appApiToken,
      clock: () => new Date('2025-05-05T01:00:00Z'),
    });
  });
  const generate = (body: object) => request(order.app).post(OrderInternalPaths.dailyReport).set('dapr-api-token', appApiToken).send(body);

  it('when analytics events arrive, some twice, then views and searches are counted once per event on the UTC day of the event', async () => {
    const handle = analyticsHandler(new SqlAnalyticsAggregates(getDb()), testLogger);
    const viewed = analyticsEvent(EventTypes.productViewed, { productId: 'p-lamp', sku: 'P-LAMP', views: 5, from: 'x', to: 'y' });
    expect(await handle(viewed)).toBe('SUCCESS');
    expect(await handle(viewed)).toBe('SUCCESS');
    expect(await handle(analyticsEvent(EventTypes.productViewed, { productId: 'p-lamp', sku: 'P-LAMP', views: 2 }))).toBe('SUCCESS');
    expect(await handle(analyticsEvent(EventTypes.productViewed, { productId: 'p-desk', sku: 'P-DESK', views: 3 }))).toBe('SUCCESS');
    // 23:30 in New York on the 3rd is the 4th in UTC.
    expect(await handle(analyticsEvent(EventTypes.productViewed, { productId: 'p-pen', sku: 'P-PEN', views: 1 }, '2025-05-03T23:30:00-04:00'))).toBe('SUCCESS');
    expect(await handle(analyticsEvent(EventTypes.productViewed, { productId: 'p-pen', sku: 'P-PEN', views: 9 }, '2025-05-05T00:00:01Z'))).toBe('SUCCESS');
    const search = analyticsEvent(EventTypes.catalogSearched, { q: '  Desk LAMP ', sort: 'relevance', resultCount: 3, page: 'first' });
    expect(await handle(search)).toBe('SUCCESS');
    expect(await handle(search)).toBe('SUCCESS');
    expect(await handle(analyticsEvent(EventTypes.catalogSearched, { q: 'desk   lamp', sort: 'relevance' }))).toBe('SUCCESS');
    expect(await handle(analyticsEvent(EventTypes.catalogSearched, { q: 'pen' }))).toBe('SUCCESS');
    expect(await handle(analyticsEvent(EventTypes.catalogSearched, { q: '   ' }))).toBe('SUCCESS');
    expect(await handle(analyticsEvent(EventTypes.catalogSearched, { sort: 'newest' }))).toBe('SUCCESS');
    expect(await handle(analyticsEvent(EventTypes.productViewed, { productId: 'p-lamp', views: 'many' }))).toBe('DROP');
    expect(await handle(analyticsEvent('something.else', {}))).toBe('SUCCESS');
    const failing = analyticsHandler({ addProductViews: () => Promise.reject(new Error('db down')), addSearch: () => Promise.reject(new Error('db down')) }, testLogger);
    expect(await failing(analyticsEvent(EventTypes.catalogSearched, { q: 'x' }))).toBe('RETRY');

    const { rows: searches } = await getDb().query<{ query: string; searches: string }>('SELECT query, searches FROM analytics_searches WHERE day = $1 ORDER BY query', [day]);
    expect(searches.map((row) => [row.query, Number(row.searches)])).toEqual([['desk lamp', 2], ['pen', 1]]);
  });

  it('when the report of a day is generated, then it sums confirmed-or-later orders of that UTC day per currency, category and product, with the analytics tops', async () => {
    const db = getDb();
    await insertOrder(db, { status: 'confirmed', currency: 'EUR', createdAt: `${day}T08:00:00Z`, lines: [{ productId: 'p-lamp', quantity: 2, unitPrice: 1000 }, { productId: 'p-pen', quantity: 5, unitPrice: 100 }] });
    await insertOrder(db, { status: 'delivered', currency: 'EUR', createdAt: `${day}T23:59:59Z`, lines: [{ productId: 'p-lamp', quantity: 1, unitPrice: 1000 }] });
    await insertOrder(db, { status: 'shipped', currency: 'USD', createdAt: `${day}T12:00:00Z`, lines: [{ productId: 'p-desk', quantity: 1, unitPrice: 20000 }, { productId: 'p-gone', quantity: 3, unitPrice: 50 }] });
    // Not counted: still in checkout, cancelled, failed, or another day.
    await insertOrder(db, { status: 'pending', currency: 'EUR', createdAt: `${day}T09:00:00Z`, lines: [{ productId: 'p-lamp', quantity: 50, unitPrice: 1000 }] });
    await insertOrder(db, { status: 'cancelled', currency: 'EUR', createdAt: `${day}T09:00:00Z`, lines: [{ productId: 'p-lamp', quantity: 50, unitPrice: 1000 }] });
    await insertOrder(db, { status: 'payment_failed', currency: 'EUR', createdAt: `${day}T09:00:00Z`, lines: [{ productId: 'p-lamp', quantity: 50, unitPrice: 1000 }] });
    await insertOrder(db, { status: 'confirmed', currency: 'EUR', createdAt: '2025-05-05T00:00:00Z', lines: [{ productId: 'p-lamp', quantity: 50, unitPrice: 1000 }] });

    catalogInvoker.calls.length = 0;
    const { body } = await generate({ date: day }).expect(200);
    expect(catalogInvoker.calls.map((call) => call.path).sort()).toEqual(['/api/catalog/products/p-desk', '/api/catalog/products/p-gone', '/api/catalog/products/p-lamp', '/api/catalog/products/p-pen']);
    expect(body).toEqual({
      date: day,
      generatedAt: '2025-05-05T01:00:00.000Z',
      orders: 3,
      revenue: [{ amount: 3500, currency: 'EUR' }, { amount: 20150, currency: 'USD' }],
      byCategory: [
        { category: 'uncategorised', path: null, quantity: 8, revenue: [{ amount: 500, currency: 'EUR' }, { amount: 150, currency: 'USD' }] },
        { category: 'lighting', path: 'Home > Lighting', quantity: 3, revenue: [{ amount: 3000, currency: 'EUR' }] },
        { category: 'furniture', path: 'Home > Furniture', quantity: 1, revenue: [{ amount: 20000, currency: 'USD' }] },
      ],
      topProducts: [
        { productId: 'p-pen', sku: 'P-PEN', name: 'Name of p-pen', quantity: 5, revenue: [{ amount: 500, currency: 'EUR' }] },
        { productId: 'p-gone', sku: 'P-GONE', name: 'Name of p-gone', quantity: 3, revenue: [{ amount: 150, currency: 'USD' }] },
        { productId: 'p-lamp', sku: 'P-LAMP', name: 'Name of p-lamp', quantity: 3, revenue: [{ amount: 3000, currency: 'EUR' }] },
        { productId: 'p-desk', sku: 'P-DESK', name: 'Name of p-desk', quantity: 1, revenue: [{ amount: 20000, currency: 'USD' }] },
      ],
      topViewed: [
        { productId: 'p-lamp', sku: 'P-LAMP', views: 7 },
        { productId: 'p-desk', sku: 'P-DESK', views: 3 },
        { productId: 'p-pen', sku: 'P-PEN', views: 1 },
      ],
      topSearches: [{ query: 'desk lamp', searches: 2 }, { query: 'pen', searches: 1 }],
    });

    const stored = await request(order.app).get(`/api/orders/reports/daily?date=${day}`).set('Authorization', adminBearer).expect(200);
    expect(stored.body).toEqual(body);

    // Recomputing replaces the stored report.
    await insertOrder(db, { status: 'confirmed', currency: 'EUR', createdAt: `${day}T13:00:00Z`, lines: [{ productId: 'p-lamp', quantity: 1, unitPrice: 1000 }] });
    expect((await generate({ date: day }).expect(200)).body.orders).toBe(4);
    expect((await request(order.app).get(`/api/orders/reports/daily?date=${day}`).set('Authorization', adminBearer).expect(200)).body.orders).toBe(4);
    const { rows } = await db.query<{ count: string }>('SELECT count(*) AS count FROM daily_reports');
    expect(Number(rows[0].count)).toBe(1);
  });

  it('when a day has nothing, then its report is empty; bad input is 400, a missing report 404, non-admins 401/403, no token 401', async () => {
    const empty = await generate({ date: '2024-02-29' }).expect(200);
    expect(empty.body).toMatchObject({ orders: 0, revenue: [], byCategory: [], topProducts: [], topViewed: [], topSearches: [] });
    await generate({ date: '2025-02-29' }).expect(400);
    await generate({ date: '2025-5-4' }).expect(400);
    await generate({ date: day, extra: true }).expect(400);
    await request(order.app).post(OrderInternalPaths.dailyReport).send({ date: day }).expect(401);
    const admin = (query: string) => request(order.app).get(`/api/orders/reports/daily${query}`).set('Authorization', adminBearer);
    await admin('?date=2030-01-01').expect(404);
    const bad = await admin('?date=yesterday').expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    await admin('').expect(400);
    await admin(`?date=${day}&x=1`).expect(400);
    await request(order.app).get(`/api/orders/reports/daily?date=${day}`).set('Authorization', bearerFor('shopper')).expect(403);
    await request(order.app).get(`/api/orders/reports/daily?date=${day}`).expect(401);
  });

  it('when the admin asks for a range of days, then the stored reports of those days come oldest first and days without one are absent', async () => {
    await insertOrder(getDb(), { status: 'confirmed', currency: 'EUR', createdAt: '2025-06-03T10:00:00Z', lines: [{ productId: 'p-lamp', quantity: 1, unitPrice: 1000 }] });
    // Generated out of order; 2025-06-02 and 2025-06-04 have no report.
    for (const date of ['2025-06-05', '2025-06-01', '2025-06-03']) await generate({ date }).expect(200);
    const range = (query: string) => request(order.app).get(`/api/orders/reports/daily${query}`).set('Authorization', adminBearer);

    const { body, headers } = await range('?from=2025-06-01&to=2025-06-04').expect(200);
    expect(headers['cache-control']).toBe('private, no-store');
    expect(body.items.map((report: { date: string; orders: number }) => [report.date, report.orders])).toEqual([['2025-06-01', 0], ['2025-06-03', 1]]);
    expect(body.items[1]).toEqual((await range('?date=2025-06-03').expect(200)).body);

    expect((await range('?from=2025-06-05&to=2025-06-05').expect(200)).body.items.map((report: { date: string }) => report.date)).toEqual(['2025-06-05']);
    expect((await range('?from=2025-06-02&to=2025-06-02').expect(200)).body).toEqual({ items: [] });
    expect((await range('?from=2025-05-31&to=2025-06-30').expect(200)).body.items.map((report: { date: string }) => report.date)).toEqual(['2025-06-01', '2025-06-03', '2025-06-05']);
    // 92 days, both ends included, is the longest range.
    await range('?from=2025-04-01&to=2025-07-01').expect(200);
  });

  it('when a range is reversed, too long, mixed with date, half given or malformed, then it is 400; non-admins 403, no token 401', async () => {
    const range = (query: string) => request(order.app).get(`/api/orders/reports/daily${query}`).set('Authorization', adminBearer);
    const reversed = await range('?from=2025-06-03&to=2025-06-02').expect(400);
    expect(reversed.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(reversed.body.errors).toEqual([{ field: 'query.to', message: 'must not be before from' }]);
    const tooLong = await range('?from=2025-04-01&to=2025-07-02').expect(400);
    expect(tooLong.body.errors).toEqual([{ field: 'query.to', message: 'the range may span at most 92 days, both ends included' }]);
    expect((await range('?date=2025-06-03&from=2025-06-01&to=2025-06-04').expect(400)).body.errors[0].field).toBe('query.date');
    await range('?date=2025-06-03&to=2025-06-04').expect(400);
    expect((await range('?from=2025-06-01').expect(400)).body.errors[0].field).toBe('query.to');
    expect((await range('?to=2025-06-01').expect(400)).body.errors[0].field).toBe('query.from');
    expect((await range('?from=2025-02-30&to=2025-03-02').expect(400)).body.errors[0].field).toBe('query.from');
    await range('?from=2025-6-1&to=2025-06-04').expect(400);
    await range('?from=2025-06-01&to=tomorrow').expect(400);
    await range('?from=2025-06-01&from=2025-06-02&to=2025-06-04').expect(400);
    await range('?from=2025-06-01&to=2025-06-04&limit=10').expect(400);
    await request(order.app).get('/api/orders/reports/daily?from=2025-06-01&to=2025-06-04').set('Authorization', bearerFor('shopper')).expect(403);
    await request(order.app).get('/api/orders/reports/daily?from=2025-06-01&to=2025-06-04').expect(401);
  });

  it('when the service runs, then it consumes the analytics topic itself', async () => {
    const broker = new InMemoryBroker();
    const running = await startOrderService({
      config: loadOrderConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', RECOVERY_INTERVAL_MS: '3600000' }),
      logger: testLogger,
      blocks: createEmbeddedBuildingBlocks({ appId: AppIds.order, broker, serviceUrls: {} }),
      db: getDb(),
      verifier: testVerifier,
    });
    const publisher = createEmbeddedBuildingBlocks({ appId: AppIds.catalog, broker, serviceUrls: {} });
    try {
      await publisher.eventBus.publish(Topics.analytics, { type: EventTypes.catalogSearched, data: { q: 'Started Service Query' } });
      await eventually(async () => {
        const { rows } = await getDb().query("SELECT 1 FROM analytics_searches WHERE query = 'started service query'");
        return rows.length > 0 || undefined;
      });
    } finally {
      await running.stop();
      await publisher.close();
      await broker.close();
    }
  });
});
