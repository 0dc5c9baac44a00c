import { randomUUID } from 'node:crypto';
import { InMemoryBroker } from '@shop/building-blocks';
import { AppIds, EventTypes, SimulatedPaymentTokens, Topics } from '@shop/contracts';
import { silentLogger, type Logger } from '@shop/kernel';
import { PgDatabase, createThrowawayDatabase, type ThrowawayDatabase } from '@shop/postgres';
import { createEmbeddedBuildingBlocks, type BuildingBlocks } from '@shop/service-runtime';
import { describeWithBackend, eventually, startTcpProxy, timedCall, type TcpProxy, type TimedAnswer } from '@shop/testing';
import { loadOrderConfig, migrateOrderDatabase, startOrderService, type RunningOrderService } from '../src';
import { bearerFor, testVerifier } from './test-identity';

/** A logger that keeps the messages of errors, warnings and infos. */
function recordingLogger(): { logger: Logger; messages: string[] } {
  const messages: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    error: (_details, message) => void messages.push(message),
    warn: (_details, message) => void messages.push(message),
    info: (_details, message) => void messages.push(message),
    child: () => logger,
  };
  return { logger, messages };
}

const shippingAddress = { name: 'Ada Lovelace', line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' };

describeWithBackend('postgres', 'order service while PostgreSQL is down', (serverUrl) => {
  const userId = `outage-${randomUUID().slice(0, 8)}`;
  const orderId = randomUUID();
  let throwaway: ThrowawayDatabase;
  let direct: PgDatabase;
  let proxy: TcpProxy;
  let broker: InMemoryBroker;
  let blocks: BuildingBlocks;
  let publisher: BuildingBlocks;
  let service: RunningOrderService;
  let log: ReturnType<typeof recordingLogger>;

  const call = (method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<TimedAnswer> =>
    timedCall(service.url, method, path, { body: options.body, headers: { authorization: bearerFor(userId), ...options.headers } });

  const readOrder = () => call('GET', `/api/orders/${orderId}`);
  const listOrders = () => call('GET', '/api/orders');
  const checkout = () => call('POST', '/api/orders', { body: { shippingAddress, paymentToken: SimulatedPaymentTokens.approve }, headers: { 'idempotency-key': `outage-${randomUUID()}` } });

  function expectUnavailable(answer: TimedAnswer): void {
    expect(answer.status).toBe(503);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.retryAfter).toBe('1');
    expect(answer.body).toMatchObject({ status: 503, detail: 'The database is unavailable; try again shortly' });
  }

  async function expectNotReadyNamingTheDatabase(): Promise<void> {
    const ready = await call('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.ms).toBeLessThan(1500);
    expect(ready.body.status).toBe('not_ready');
    expect(ready.body.checks).toEqual([{ name: 'database', ok: false, error: expect.stringMatching(/^PostgreSQL primary did not answer: /) }]);
    expect((await call('GET', '/healthz')).status).toBe(200);
  }

  async function expectRecoveryWithin10s(): Promise<void> {
    const resumedAt = Date.now();
    await eventually(async () => (await readOrder()).status === 200, 10_000, 100);
    expect(Date.now() - resumedAt).toBeLessThan(10_000);
    expect((await listOrders()).status).toBe(200);
    expect((await call('GET', '/readyz')).status).toBe(200);
  }

  beforeAll(async () => {
    throwaway = await createThrowawayDatabase(serverUrl, 'order_outage');
    // The schema the service keeps its tables in (its app id), so that what is set up here is what it reads.
    direct = new PgDatabase({ url: throwaway.url, schema: AppIds.order });
    await migrateOrderDatabase(direct);
    await direct.query(
      `INSERT INTO orders (id, user_id, status, currency, subtotal, total, shipping_address, payment_method)
       VALUES ($1, $2, 'confirmed', 'EUR', 1999, 1999, $3::jsonb, '{"kind":"simulated","outcome":"approve"}'::jsonb)`,
      [orderId, userId, JSON.stringify(shippingAddress)],
    );
    const target = new URL(throwaway.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    broker = new InMemoryBroker();
    blocks = createEmbeddedBuildingBlocks({ appId: AppIds.order, broker, serviceUrls: {} });
    publisher = createEmbeddedBuildingBlocks({ appId: AppIds.catalog, broker, serviceUrls: {} });
    log = recordingLogger();
    service = await startOrderService({
      // Small timeouts through the settings, so that the stalled case ends soon (defaults: 5000 ms and 1000 ms).
      config: loadOrderConfig({
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        DATABASE_URL: proxy.urlFor(throwaway.url),
        DATABASE_STATEMENT_TIMEOUT_MS: '300',
        DATABASE_ACQUIRE_TIMEOUT_MS: '300',
        RECOVERY_INTERVAL_MS: '3600000',
      }),
      logger: log.logger,
      blocks,
      verifier: testVerifier,
    });
  }, 60_000);

  afterAll(async () => {
    proxy?.resume();
    await service?.stop();
    await publisher?.close();
    await broker?.close();
    await proxy?.close();
    await direct?.close();
    await throwaway?.drop();
  });

  beforeEach(async () => {
    proxy.resume();
    await eventually(async () => (await readOrder()).status === 200, 10_000, 100);
  });

  it('when PostgreSQL refuses connections, then order reads and checkouts answer 503 problem+json with Retry-After: 1 in under 1 s each, /readyz is 503 naming the database, /healthz 200, and within 10 s of its return the reads answer 200 again', async () => {
    expect((await readOrder()).body).toMatchObject({ id: orderId, status: 'confirmed' });
    proxy.refuse();
    const answers: TimedAnswer[] = [];
    for (let round = 0; round < 4; round += 1) answers.push(await readOrder(), await listOrders(), await checkout());
    for (const answer of answers) {
      expectUnavailable(answer);
      expect(answer.ms).toBeLessThan(1000);
    }
    await expectNotReadyNamingTheDatabase();
    const { rows } = await direct.query<{ n: number }>('SELECT count(*) AS n FROM orders WHERE user_id = $1', [userId]);
    expect(rows[0].n).toBe(1);

    proxy.resume();
    await expectRecoveryWithin10s();
  });

  it('when PostgreSQL stalls (no answer, no reset), then the first requests end within the timeouts, each answer after the breaker opened comes in under 1 s, and the service recovers once it answers again', async () => {
    proxy.pause();
    const answers: TimedAnswer[] = [];
    for (let request = 0; request < 10; request += 1) answers.push(await readOrder());
    for (const answer of answers) expectUnavailable(answer);
    // The first three pay a timeout (statement 300 ms + 500 ms on a pooled connection, or acquire 300 ms on a new one).
    for (const answer of answers.slice(0, 3)) expect(answer.ms).toBeLessThan(2000);
    for (const answer of answers.slice(3)) expect(answer.ms).toBeLessThan(1000);
    await expectNotReadyNamingTheDatabase();

    proxy.resume();
    await expectRecoveryWithin10s();
  });

  it('when the analytics consumer cannot reach PostgreSQL, then it asks for redelivery instead of acknowledging, and the event is counted exactly once after PostgreSQL is back', async () => {
    const productId = `p-${randomUUID().slice(0, 8)}`;
    const event = { id: randomUUID(), type: EventTypes.productViewed, subject: productId, data: { productId, sku: 'OUTAGE-SKU', views: 3 } };
    const failedDeliveries = () => log.messages.filter((message) => message === 'analytics aggregation failed; will retry').length;
    const failuresBefore = failedDeliveries();
    proxy.refuse();
    await publisher.eventBus.publish(Topics.analytics, event);
    // Delivered, failed, redelivered (the in-memory broker retries after 200 ms, then 400 ms...).
    await eventually(() => failedDeliveries() >= failuresBefore + 2, 5000);
    proxy.resume();

    const views = async () => (await direct.query<{ views: number }>('SELECT views FROM analytics_product_views WHERE product_id = $1', [productId])).rows[0]?.views;
    await eventually(async () => (await views()) === 3, 10_000);
    // The same event again (a redelivery after a lost acknowledgement): the inbox knows its id.
    await publisher.eventBus.publish(Topics.analytics, event);
    await broker.whenIdle();
    expect(await views()).toBe(3);
  });
});
