import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { SimulatedPaymentTokens } from '@shop/contracts';
import type { Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import { createOrderApp, type OrderApp } from '../src';
import { SqlOrderRepository } from '../src/data/orders.repository';
import { hashRequest } from '../src/domain/checkout.service';
import { orderDatabases } from './order-databases';
import { bearerFor, testLogger, testVerifier } from './test-identity';

const databases = orderDatabases('order_idempotency_test');

const body = {
  shippingAddress: { name: 'Ada Lovelace', line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
  paymentToken: SimulatedPaymentTokens.decline,
};

describeEachDatabase<Database>('idempotency keys answered in the previous release\'s shape', databases, (getDb) => {
  let order: OrderApp;
  let repository: SqlOrderRepository;

  beforeAll(() => {
    // Every request here is a replay: the saga's adapters are never reached.
    order = createOrderApp({
      db: getDb(),
      verifier: testVerifier,
      cart: { readCart: () => Promise.reject(new Error('a replay reads no cart')), take: () => Promise.reject(new Error('a replay takes no cart')), release: () => Promise.reject(new Error('a replay releases no cart')) },
      stock: {} as never,
      payments: {} as never,
      logger: testLogger,
      checkoutSettings: { reservationTtlSeconds: 900, paymentTimeoutMs: 300, idempotencyWaitMs: 1000 },
      recoverySettings: { intervalMs: 3_600_000, staleAfterMs: 3_600_000, leaseMs: 60_000, batchSize: 10 },
      categories: { categoriesOf: () => Promise.resolve(new Map()) },
    });
    repository = new SqlOrderRepository(getDb());
  });

  /** An order and its key, with the answer stored as the previous release stored it; returns the order id and key. */
  async function keyInOldShape(answer: { status: number; body: (orderId: string) => unknown; location?: boolean }) {
    const userId = `old-${randomUUID().slice(0, 8)}`;
    const key = `old-key-${randomUUID()}`;
    const orderId = randomUUID();
    await getDb().query(
      `INSERT INTO orders (id, user_id, status, currency, subtotal, total, shipping_address, payment_method)
       VALUES ($1, $2, 'payment_failed', 'EUR', 1999, 1999, $3::jsonb, '{"kind":"simulated","outcome":"decline"}'::jsonb)`,
      [orderId, userId, JSON.stringify(body.shippingAddress)],
    );
    const stored = JSON.stringify({ body: answer.body(orderId), location: answer.location ? `/api/orders/${orderId}` : undefined });
    await getDb().query('INSERT INTO idempotency_keys (user_id, key, request_hash, order_id, response_status, response_body) VALUES ($1, $2, $3, $4, $5, $6)', [
      userId,
      key,
      hashRequest(body),
      orderId,
      answer.status,
      stored,
    ]);
    return { userId, key, orderId };
  }

  const replay = (userId: string, key: string, requestId: string) =>
    request(order.app).post('/api/orders').set('Authorization', bearerFor(userId)).set('Idempotency-Key', key).set('X-Request-Id', requestId).send(body);

  const declinedProblem = (orderId: string) => ({ orderId, reason: 'card_declined', type: 'urn:shop:problem:payment_required', title: 'The payment was declined', status: 402, detail: 'The payment was declined' });

  it('when a key holds a 402 of the previous release, then a replay answers the same problem, now with its instance and request id', async () => {
    const { userId, key, orderId } = await keyInOldShape({ status: 402, body: declinedProblem });
    const response = await replay(userId, key, 'req-old-402').expect(402);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(response.text).toBe(JSON.stringify({ ...declinedProblem(orderId), instance: '/api/orders', requestId: 'req-old-402' }));
  });

  it('when a key holds a 201 of the previous release, then a replay is the stored order byte for byte, with its Location', async () => {
    const stored = (orderId: string) => ({ id: orderId, userId: 'whoever', status: 'confirmed', total: { amount: 1999, currency: 'EUR' } });
    const { userId, key, orderId } = await keyInOldShape({ status: 201, body: stored, location: true });
    const response = await replay(userId, key, 'req-old-201').expect(201);
    expect(response.headers.location).toBe(`/api/orders/${orderId}`);
    expect(response.text).toBe(JSON.stringify(stored(orderId)));
  });

  it('when the recovery settles an order whose key holds the previous release\'s 202, then the key answers the outcome', async () => {
    const { userId, key, orderId } = await keyInOldShape({ status: 202, body: (id) => ({ orderId: id, status: 'processing', detail: 'The payment outcome is not known yet; the order is completed in the background' }), location: true });
    expect((await replay(userId, key, 'req-old-202')).status).toBe(202);
    await repository.saveCheckoutOutcome({ orderId }, { kind: 'payment_declined', orderId, reason: 'card_declined' });
    expect((await replay(userId, key, 'req-settled')).body).toEqual({ ...declinedProblem(orderId), instance: '/api/orders', requestId: 'req-settled' });
    const { rows } = await getDb().query<{ response_status: number | null; response_body: string | null }>('SELECT response_status, response_body FROM idempotency_keys WHERE order_id = $1', [orderId]);
    expect(rows).toEqual([{ response_status: null, response_body: null }]);
  });

  it('when the recovery comes to an order whose key holds a final answer of the previous release, then that answer stays', async () => {
    const { userId, key, orderId } = await keyInOldShape({ status: 402, body: declinedProblem });
    await repository.saveCheckoutOutcome({ orderId }, { kind: 'interrupted', orderId });
    expect((await replay(userId, key, 'req-kept')).status).toBe(402);
  });

  it('when a replica of the previous release settles an order that this release stored as processing, then the final answer wins', async () => {
    const { userId, key, orderId } = await keyInOldShape({ status: 202, body: (id) => ({ orderId: id, status: 'processing' }), location: true });
    await repository.saveCheckoutOutcome({ orderId }, { kind: 'processing', orderId });
    // What the previous release's recovery writes: the old columns, where none or a 202 is stored.
    await getDb().query('UPDATE idempotency_keys SET response_status = 402, response_body = $2 WHERE order_id = $1', [orderId, JSON.stringify({ body: declinedProblem(orderId) })]);
    expect((await replay(userId, key, 'req-mixed')).status).toBe(402);
  });
});
