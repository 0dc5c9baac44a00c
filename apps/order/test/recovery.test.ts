import { SimulatedPaymentTokens } from '@shop/contracts';
import { describeEachDatabase, eventually } from '@shop/testing';
import { bearerFor, newKey, orderBody, platformDatabases, startTestPlatform, type PlatformDatabases, type TestPlatform } from './order-platform';

/** A hook that makes the checkout stop where the process would have died. */
const dieHere = async (): Promise<void> => {
  throw new Error('simulated crash');
};

describeEachDatabase<PlatformDatabases>('checkout recovery', platformDatabases, (getDbs, kind) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform(getDbs());
  }, 60_000);
  afterAll(() => platform?.close());

  async function orderStatus(orderId: string): Promise<{ status: string; failure_reason: string | null }> {
    const { rows } = await platform.dbs.order.query<{ status: string; failure_reason: string | null }>('SELECT status, failure_reason FROM orders WHERE id = $1', [orderId]);
    return rows[0];
  }

  async function chargesOf(orderId: string) {
    const { charges, refunds } = await platform.payments.listTransactions();
    const mine = charges.filter((charge) => charge.orderId === orderId);
    const paymentIds = new Set(mine.flatMap((charge) => (charge.result.status === 'captured' ? [charge.result.paymentId] : [])));
    return { charges: mine, refunds: refunds.filter((refund) => paymentIds.has(refund.paymentId)) };
  }

  it('when the process dies after the reservation and before the payment, then after a restart the order is cancelled, its stock released and nothing charged', async () => {
    const user = `crash-reserve-${kind}`;
    const productId = await platform.createProduct({ onHand: 5 });
    await platform.addToCart(user, productId, 2);
    await platform.restartOrderService({ checkoutHooks: { afterReserve: dieHere } });
    const key = newKey('crash');
    const first = await platform.placeOrder(user, key);
    expect(first.status).toBe(202);
    const orderId = first.body.orderId as string;
    expect(await orderStatus(orderId)).toMatchObject({ status: 'reserved' });
    expect(await platform.inventory(productId)).toEqual({ onHand: 5, reserved: 2 });

    // The restart: a new instance on the same database, whose start-up round resumes the stale order.
    await platform.restartOrderService({ staleAfterMs: 1 });
    await eventually(async () => (await orderStatus(orderId)).status === 'cancelled', 10_000);
    expect(await orderStatus(orderId)).toEqual({ status: 'cancelled', failure_reason: 'checkout_interrupted' });
    expect(await platform.inventory(productId)).toEqual({ onHand: 5, reserved: 0 });
    expect((await chargesOf(orderId)).charges).toEqual([]);
    expect(await platform.cartLines(user)).toEqual([{ productId, quantity: 2 }]);
    // The key now answers with the outcome.
    const replay = await platform.placeOrder(user, key);
    expect(replay.status).toBe(409);
    expect(replay.body).toMatchObject({ orderId });
    await platform.restartOrderService();
  });

  it('when the process dies after the payment and before the commit, then after a restart the order is confirmed with exactly one charge', async () => {
    const user = `crash-paid-${kind}`;
    const productId = await platform.createProduct({ onHand: 5, amount: 1250 });
    await platform.addToCart(user, productId, 2);
    await platform.restartOrderService({ checkoutHooks: { afterPayment: dieHere } });
    const first = await platform.placeOrder(user, newKey('crash'));
    expect(first.status).toBe(202);
    const orderId = first.body.orderId as string;
    expect(await orderStatus(orderId)).toMatchObject({ status: 'paid' });

    await platform.restartOrderService();
    // Two replicas recovering at once: the lease lets only one of them resume the order.
    await Promise.all([platform.recoverNow(), platform.recoverNow()]);
    expect(await orderStatus(orderId)).toEqual({ status: 'confirmed', failure_reason: null });
    expect(await platform.inventory(productId)).toEqual({ onHand: 3, reserved: 0 });
    const { charges, refunds } = await chargesOf(orderId);
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({ amount: { amount: 2500, currency: 'EUR' }, result: { status: 'captured' } });
    expect(refunds).toEqual([]);
    // order.confirmed reaches the cart, which takes the ordered units out.
    await eventually(async () => (await platform.cartLines(user)).length === 0, 10_000);
    const { rows } = await platform.dbs.order.query<{ from_status: string | null; to_status: string }>('SELECT from_status, to_status FROM order_status_history WHERE order_id = $1 ORDER BY id', [orderId]);
    expect(rows.map((row) => `${row.from_status}→${row.to_status}`)).toEqual(['null→pending', 'pending→reserved', 'reserved→paid', 'paid→confirmed']);
  });

  it('when the payment times out, then the answer is 202 with Location and the recovery completes the order with one charge', async () => {
    const user = `timeout-${kind}`;
    const productId = await platform.createProduct({ onHand: 3 });
    await platform.addToCart(user, productId, 1);
    const response = await platform.placeOrder(user, newKey('timeout'), orderBody({ paymentToken: SimulatedPaymentTokens.timeout }));
    expect(response.status).toBe(202);
    const orderId = response.body.orderId as string;
    expect(response.headers.location).toBe(`/api/orders/${orderId}`);
    const pending = await platform.orders.get(`/api/orders/${orderId}`).set('Authorization', bearerFor(user)).expect(200);
    expect(pending.body.status).toBe('reserved');

    await platform.recoverNow();
    expect(await orderStatus(orderId)).toMatchObject({ status: 'confirmed' });
    expect(await platform.inventory(productId)).toEqual({ onHand: 2, reserved: 0 });
    expect((await chargesOf(orderId)).charges).toHaveLength(1);
  });

  it('when a reserved order with a captured payment finds its reservation expired, then the recovery refunds it, cancels it and the stock is back', async () => {
    const user = `expired-${kind}`;
    const productId = await platform.createProduct({ onHand: 4, amount: 700 });
    await platform.addToCart(user, productId, 3);
    const response = await platform.placeOrder(user, newKey('expired'), orderBody({ paymentToken: SimulatedPaymentTokens.timeout }));
    expect(response.status).toBe(202);
    const orderId = response.body.orderId as string;
    await platform.dbs.catalog.query("UPDATE inventory_reservations SET expires_at = now() - interval '1 second' WHERE order_id = $1", [orderId]);

    await platform.recoverNow();
    expect(await orderStatus(orderId)).toEqual({ status: 'cancelled', failure_reason: 'reservation_expired' });
    expect(await platform.inventory(productId)).toEqual({ onHand: 4, reserved: 0 });
    const { charges, refunds } = await chargesOf(orderId);
    expect(charges).toHaveLength(1);
    expect(refunds).toHaveLength(1);
    expect(refunds[0].amount).toEqual({ amount: 2100, currency: 'EUR' });
    await eventually(() => platform.orderEvents.some((event) => event.subject === orderId && event.type === 'order.cancelled'), 5000);
  });
});
