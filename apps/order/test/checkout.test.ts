import { randomUUID } from 'node:crypto';
import { AuditActions, EventTypes, auditEntriesRecordedDataSchema, orderSchema, orderWithHistorySchema, SimulatedPaymentTokens, Topics, type OrderEventData } from '@shop/contracts';
import { describeEachDatabase, eventually } from '@shop/testing';
import { adminBearer, bearerFor, newKey, orderBody, orderTableCounts, platformDatabases, startTestPlatform, type PlatformDatabases, type TestPlatform } from './order-platform';

describeEachDatabase<PlatformDatabases>('checkout and orders API', platformDatabases, (getDbs, kind) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform(getDbs());
  }, 60_000);
  afterAll(() => platform?.close());

  /** A user with `quantity` units of a fresh product in the cart. */
  async function shopperWithCart(name: string, options: { onHand?: number; quantity?: number; amount?: number } = {}) {
    const user = `${name}-${kind}-${randomUUID().slice(0, 8)}`;
    const productId = await platform.createProduct({ onHand: options.onHand ?? 10, amount: options.amount ?? 1999 });
    await platform.addToCart(user, productId, options.quantity ?? 1);
    return { user, productId };
  }

  describe('placing orders', () => {
    it('when the checkout goes through, then the answer is 201 with the order, the stock is sold, the cart is empty and order.placed and order.confirmed go out', async () => {
      const { user, productId } = await shopperWithCart('happy', { quantity: 2, amount: 1500 });
      const response = await platform.placeOrder(user, newKey()).expect(201);
      const order = response.body;
      expect(response.headers.location).toBe(`/api/orders/${order.id}`);
      expect(order).toMatchObject({
        userId: user,
        status: 'confirmed',
        subtotal: { amount: 3000, currency: 'EUR' },
        total: { amount: 3000, currency: 'EUR' },
        lines: [{ productId, quantity: 2, unitPrice: { amount: 1500, currency: 'EUR' }, lineTotal: { amount: 3000, currency: 'EUR' } }],
        paymentMethod: { kind: 'simulated', outcome: 'approve' },
      });
      expect(order.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
      // The answer is what the order contract describes, member for member (its schemas are strict).
      expect(orderSchema.parse(order)).toEqual(order);
      expect(JSON.stringify(order)).not.toContain(SimulatedPaymentTokens.approve);
      expect(await platform.inventory(productId)).toEqual({ onHand: 8, reserved: 0 });
      // The order took the cart's lines when it was placed, not when order.confirmed arrives.
      expect(await platform.cartLines(user)).toEqual([]);
      await eventually(() => platform.orderEvents.filter((event) => event.subject === order.id).length >= 2, 5000);
      const events = platform.orderEvents.filter((event) => event.subject === order.id);
      expect(events.map((event) => event.type)).toEqual([EventTypes.orderPlaced, EventTypes.orderConfirmed]);
      expect(events[1].data).toMatchObject({ orderId: order.id, userId: user, lines: [{ productId, quantity: 2 }], total: { amount: 3000, currency: 'EUR' } });
    });

    it('when ten requests with the same key run at once, then one order exists and all ten answers are identical; another body with the key → 422', async () => {
      const { user, productId } = await shopperWithCart('idem');
      const key = newKey('idem');
      const responses = await Promise.all(Array.from({ length: 10 }, () => platform.placeOrder(user, key)));
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
      const bodies = responses.map((r) => JSON.stringify(r.body));
      expect(new Set(bodies).size).toBe(1);
      const { rows } = await platform.dbs.order.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE user_id = $1', [user]);
      expect(Number(rows[0].n)).toBe(1);
      expect(await platform.inventory(productId)).toEqual({ onHand: 9, reserved: 0 });
      // After the fact too (the cart is empty by now, the answer is still the stored one).
      const later = await platform.placeOrder(user, key).expect(201);
      expect(JSON.stringify(later.body)).toBe(bodies[0]);
      const other = await platform.placeOrder(user, key, orderBody({ paymentToken: SimulatedPaymentTokens.decline })).expect(422);
      expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
      const { charges } = await platform.payments.listTransactions();
      expect(charges.filter((charge) => charge.orderId === responses[0].body.id)).toHaveLength(1);
    });

    it('when the payment is declined, then the answer is 402, the stock is released, the order is payment_failed and the cart is kept', async () => {
      const { user, productId } = await shopperWithCart('declined', { quantity: 3 });
      const response = await platform.placeOrder(user, newKey(), orderBody({ paymentToken: SimulatedPaymentTokens.decline })).expect(402);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body).toMatchObject({ reason: 'card_declined' });
      const order = await platform.orders.get(`/api/orders/${response.body.orderId}`).set('Authorization', bearerFor(user)).expect(200);
      expect(order.body).toMatchObject({ status: 'payment_failed', failureReason: 'card_declined', paymentMethod: { kind: 'simulated', outcome: 'decline' } });
      expect(order.body.history.map((change: { to: string }) => change.to)).toEqual(['pending', 'reserved', 'payment_failed']);
      expect(await platform.inventory(productId)).toEqual({ onHand: 10, reserved: 0 });
      expect(await platform.cartLines(user)).toEqual([{ productId, quantity: 3 }]);
    });

    it('when the cart is empty, then the answer is 422 and nothing is written', async () => {
      const before = await orderTableCounts(platform.dbs.order);
      await platform.placeOrder(`empty-${kind}`, newKey()).expect(422);
      expect(await orderTableCounts(platform.dbs.order)).toEqual(before);
    });

    it('when the checkout answers 402 or 409, then the problem carries its instance and request id like every other error, and the same members as before', async () => {
      const declined = await shopperWithCart('problem-402');
      const declinedKey = newKey();
      const payment = await platform.placeOrder(declined.user, declinedKey, orderBody({ paymentToken: SimulatedPaymentTokens.decline })).set('X-Request-Id', 'req-402').expect(402);
      expect(payment.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(payment.headers['cache-control']).toBe('no-store');
      expect(payment.headers['retry-after']).toBeUndefined();
      expect(payment.text).toBe(
        JSON.stringify({
          orderId: payment.body.orderId,
          reason: 'card_declined',
          type: 'urn:shop:problem:payment_required',
          title: 'The payment was declined',
          status: 402,
          detail: 'The payment was declined',
          instance: '/api/orders',
          requestId: 'req-402',
        }),
      );

      const short = await shopperWithCart('problem-409', { onHand: 1, quantity: 1 });
      await platform.dbs.catalog.query('UPDATE inventory SET on_hand = 0 WHERE product_id = $1', [short.productId]);
      const shortKey = newKey();
      const stock = await platform.placeOrder(short.user, shortKey).set('X-Request-Id', 'req-409').expect(409);
      expect(stock.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(stock.text).toBe(
        JSON.stringify({
          orderId: stock.body.orderId,
          outOfStock: [{ productId: short.productId, requested: 1, available: 0 }],
          type: 'urn:shop:problem:conflict',
          title: 'Conflict with the current state',
          status: 409,
          detail: 'Some products are out of stock',
          instance: '/api/orders',
          requestId: 'req-409',
        }),
      );

      // A replay renders the stored outcome again: the same problem, with the replay's own request id.
      const replayed = await platform.placeOrder(short.user, shortKey).set('X-Request-Id', 'req-409-again').expect(409);
      expect(replayed.body).toEqual({ ...stock.body, requestId: 'req-409-again' });
      const replayedPayment = await platform.placeOrder(declined.user, declinedKey, orderBody({ paymentToken: SimulatedPaymentTokens.decline })).set('X-Request-Id', 'req-402-again').expect(402);
      expect(replayedPayment.body).toEqual({ ...payment.body, requestId: 'req-402-again' });
    });

    it('when the requested quantity is not in stock, then the answer is 409 with the out-of-stock lines and the order is cancelled', async () => {
      const { user, productId } = await shopperWithCart('short', { onHand: 5, quantity: 5 });
      // Stock drops after the item went into the cart.
      await platform.dbs.catalog.query('UPDATE inventory SET on_hand = 2 WHERE product_id = $1', [productId]);
      const response = await platform.placeOrder(user, newKey()).expect(409);
      expect(response.body.outOfStock).toEqual([{ productId, requested: 5, available: 2 }]);
      const order = await platform.orders.get(`/api/orders/${response.body.orderId}`).set('Authorization', bearerFor(user)).expect(200);
      expect(order.body).toMatchObject({ status: 'cancelled', failureReason: 'out_of_stock' });
    });
  });

  describe('bad input', () => {
    it.each([
      ['no Idempotency-Key', 428, undefined, orderBody()],
      ['a short Idempotency-Key', 400, 'short', orderBody()],
      ['an Idempotency-Key with spaces', 400, 'has spaces in it', orderBody()],
      ['a country that is not ISO alpha-2', 400, 'valid-key-1', orderBody({ shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '10115', country: 'Germany' } })],
      ['an address without a city', 400, 'valid-key-2', orderBody({ shippingAddress: { name: 'A', line1: 'B', postalCode: '10115', country: 'DE' } })],
      ['an unknown address key', 400, 'valid-key-3', orderBody({ shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '10115', country: 'DE', floor: 3 } })],
      ['an unknown body key', 400, 'valid-key-4', orderBody({ total: 1 })],
      ['no payment token', 400, 'valid-key-5', { shippingAddress: orderBody().shippingAddress }],
      ['a body that is an array', 400, 'valid-key-6', [orderBody()]],
    ])('when the request has %s, then the answer is %d problem+json and nothing is written', async (_what, status, key, body) => {
      const { user } = await shopperWithCart('bad');
      const before = await orderTableCounts(platform.dbs.order);
      const call = platform.orders.post('/api/orders').set('Authorization', bearerFor(user));
      if (key) call.set('Idempotency-Key', key);
      const response = await call.send(body);
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(await orderTableCounts(platform.dbs.order)).toEqual(before);
    });

    it('when there is no token or a garbage one, then the answer is 401', async () => {
      await platform.orders.post('/api/orders').set('Idempotency-Key', newKey()).send(orderBody()).expect(401);
      await platform.orders.get('/api/orders').set('Authorization', 'Bearer abc.def.ghi').expect(401);
    });

    it('when ids, limits or cursors are malformed, then the answer is 400', async () => {
      const auth = bearerFor('someone');
      await platform.orders.get('/api/orders/not-a-uuid').set('Authorization', auth).expect(400);
      await platform.orders.post('/api/orders/not-a-uuid/cancel').set('Authorization', auth).expect(400);
      await platform.orders.get('/api/orders?limit=0').set('Authorization', auth).expect(400);
      await platform.orders.get('/api/orders?limit=1&limit=2').set('Authorization', auth).expect(400);
      await platform.orders.get('/api/orders?cursor=garbage').set('Authorization', auth).expect(400);
      await platform.orders.get('/api/orders?color=red').set('Authorization', auth).expect(400);
      await platform.orders.get('/api/orders/admin/orders?status=lost').set('Authorization', adminBearer).expect(400);
    });
  });

  describe('reading, cancelling, shipping', () => {
    it("when someone reads or cancels another user's order, then the answer is 404", async () => {
      const { user } = await shopperWithCart('owner');
      const { body: order } = await platform.placeOrder(user, newKey()).expect(201);
      await platform.orders.get(`/api/orders/${order.id}`).set('Authorization', bearerFor('intruder')).expect(404);
      await platform.orders.post(`/api/orders/${order.id}/cancel`).set('Authorization', bearerFor('intruder')).expect(404);
      await platform.orders.get(`/api/orders/${randomUUID()}`).set('Authorization', bearerFor(user)).expect(404);
      const own = await platform.orders.get(`/api/orders/${order.id}`).set('Authorization', bearerFor(user)).expect(200);
      expect(orderWithHistorySchema.parse(own.body)).toEqual(own.body);
      expect(own.body.history.map((change: { to: string }) => change.to)).toEqual(['pending', 'reserved', 'paid', 'confirmed']);
    });

    it('when a user lists orders, then only their own come, newest first, page by page', async () => {
      const user = `lister-${kind}`;
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const productId = await platform.createProduct({ onHand: 5 });
        await platform.addToCart(user, productId, 1);
        ids.push((await platform.placeOrder(user, newKey()).expect(201)).body.id);
      }
      const first = await platform.orders.get('/api/orders?limit=2').set('Authorization', bearerFor(user)).expect(200);
      expect(first.body.items.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
      const second = await platform.orders.get(`/api/orders?limit=2&cursor=${first.body.nextCursor}`).set('Authorization', bearerFor(user)).expect(200);
      expect(second.body).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });
      const admin = await platform.orders.get(`/api/orders/admin/orders?userId=${user}&status=confirmed`).set('Authorization', adminBearer).expect(200);
      expect(admin.body.items).toHaveLength(3);
      await platform.orders.get('/api/orders/admin/orders').set('Authorization', bearerFor(user)).expect(403);
    });

    it('when the customer cancels a confirmed order, then the stock returns, the payment is refunded and order.cancelled goes out', async () => {
      const { user, productId } = await shopperWithCart('canceller', { onHand: 4, quantity: 2, amount: 900 });
      const { body: order } = await platform.placeOrder(user, newKey()).expect(201);
      expect(await platform.inventory(productId)).toEqual({ onHand: 2, reserved: 0 });
      const cancelled = await platform.orders.post(`/api/orders/${order.id}/cancel`).set('Authorization', bearerFor(user)).expect(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', failureReason: 'customer_cancelled' });
      expect(await platform.inventory(productId)).toEqual({ onHand: 4, reserved: 0 });
      // Cancelling again retries the (idempotent) compensations and refunds nothing twice.
      await platform.orders.post(`/api/orders/${order.id}/cancel`).set('Authorization', bearerFor(user)).expect(200);
      const { refunds } = await platform.payments.listTransactions();
      expect(refunds.filter((refund) => refund.paymentId === order.paymentId)).toEqual([expect.objectContaining({ amount: { amount: 1800, currency: 'EUR' } })]);
      await eventually(() => platform.orderEvents.some((event) => event.subject === order.id && event.type === EventTypes.orderCancelled), 5000);
    });

    it('when an admin ships and delivers, then the states follow; illegal transitions answer 409 and customers cannot ship', async () => {
      const { user } = await shopperWithCart('shipper');
      const { body: order } = await platform.placeOrder(user, newKey()).expect(201);
      await platform.orders.post(`/api/orders/${order.id}/ship`).set('Authorization', bearerFor(user)).expect(403);
      await platform.orders.post(`/api/orders/${order.id}/deliver`).set('Authorization', adminBearer).expect(409);
      const shipped = await platform.orders.post(`/api/orders/${order.id}/ship`).set('Authorization', adminBearer).expect(200);
      expect(shipped.body.status).toBe('shipped');
      const again = await platform.orders.post(`/api/orders/${order.id}/ship`).set('Authorization', adminBearer).expect(409);
      expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
      await platform.orders.post(`/api/orders/${order.id}/cancel`).set('Authorization', bearerFor(user)).expect(409);
      await platform.orders.post(`/api/orders/${order.id}/deliver`).set('Authorization', adminBearer).expect(200);
      await eventually(() => platform.orderEvents.some((event) => event.subject === order.id && event.type === EventTypes.orderShipped), 5000);
      await platform.orders.post(`/api/orders/${randomUUID()}/ship`).set('Authorization', adminBearer).expect(404);
      // Each status change an admin made is in the audit log with its actor; the refused attempts are not.
      const auditedChanges = () =>
        platform.auditEvents
          .flatMap((event) => auditEntriesRecordedDataSchema.parse(event.data).entries)
          .filter((entry) => entry.action === AuditActions.orderStatusChanged && entry.subject?.id === order.id);
      await eventually(() => auditedChanges().length >= 2, 5000);
      expect(auditedChanges().map((entry) => ({ service: entry.service, actor: entry.actor.type, details: entry.details }))).toEqual([
        { service: 'order', actor: 'user', details: { from: 'confirmed', to: 'shipped' } },
        { service: 'order', actor: 'user', details: { from: 'shipped', to: 'delivered' } },
      ]);
    });
  });

  describe('duplicate delivery', () => {
    it('when the cart receives an order.confirmed again, then its lines stay; one of an order that never took the cart (a previous release) takes only its own units out (the order service itself consumes no events)', async () => {
      const { user, productId } = await shopperWithCart('dup', { quantity: 1 });
      const { body: order } = await platform.placeOrder(user, newKey()).expect(201);
      const confirmed = await eventually(() => platform.orderEvents.find((event) => event.subject === order.id && event.type === EventTypes.orderConfirmed), 5000);
      await platform.eventsDelivered();
      await platform.addToCart(user, productId, 3);
      // The same event again (a redelivery), and an order that never took this cart (placed by an order service of the
      // previous release during a rolling deploy), naming the same product.
      await platform.publishOnBroker(Topics.orders, { id: confirmed.id, type: confirmed.type, subject: order.id, data: confirmed.data });
      await platform.publishOnBroker(Topics.orders, { id: confirmed.id, type: confirmed.type, subject: order.id, data: confirmed.data });
      const otherOrderId = randomUUID();
      const other = { orderId: otherOrderId, userId: user, status: 'confirmed', lines: [{ productId, quantity: 1 }], total: { amount: 1999, currency: 'EUR' } } satisfies OrderEventData;
      const otherEvent = { id: randomUUID(), type: EventTypes.orderConfirmed, subject: otherOrderId, data: other };
      await platform.publishOnBroker(Topics.orders, otherEvent);
      await platform.publishOnBroker(Topics.orders, otherEvent);
      await platform.eventsDelivered();
      expect(await platform.cartLines(user)).toEqual([{ productId, quantity: 2 }]);
    });
  });
});
