import { randomUUID } from 'node:crypto';
import { AppIds } from '@shop/contracts';
import { migrateCatalog } from '@shop/catalog';
import { PgDatabase, createThrowawayDatabase, type ThrowawayDatabase } from '@shop/postgres';
import { describeWithBackend, eventually, startTcpProxy, type TcpProxy } from '@shop/testing';
import { migrateOrderDatabase } from '../src';
import type { CheckoutHooks } from '../src/domain/checkout.service';
import { newKey, startTestPlatform, type PlatformDatabases, type TestPlatform } from './order-platform';

/**
 * The primary lost in the middle of a checkout, with the process alive: catalog and order on one real PostgreSQL
 * behind a TCP proxy that the checkout itself cuts at a step. The shopper gets an answer at once, and once the
 * primary is back the recovery leaves no order half-written: confirmed with one charge and the stock sold, or cancelled
 * with the stock back and nothing kept of the charge.
 */
describeWithBackend('postgres', 'checkout when the primary goes away between its steps', (serverUrl) => {
  let throwaway: ThrowawayDatabase;
  let proxy: TcpProxy;
  let dbs: PlatformDatabases & { catalog: PgDatabase; order: PgDatabase };
  let platform: TestPlatform;

  beforeAll(async () => {
    throwaway = await createThrowawayDatabase(serverUrl, 'order_primary_loss');
    const target = new URL(throwaway.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const open = (schema: string) => new PgDatabase({ url: proxy.urlFor(throwaway.url), schema, acquireTimeoutMs: 500, statementTimeoutMs: 2000 });
    dbs = { catalog: open(AppIds.catalog), order: open(AppIds.order) };
    await migrateCatalog(dbs.catalog);
    await migrateOrderDatabase(dbs.order);
    platform = await startTestPlatform(dbs, { paymentTimeoutMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    proxy?.resume();
    await platform?.close();
    await dbs?.catalog.close();
    await dbs?.order.close();
    await proxy?.close();
    await throwaway?.drop();
  });

  /** The primary is lost at this step: every connection reset, new ones refused. */
  const loseThePrimary = async (): Promise<void> => proxy.refuse();

  async function ordersOf(userId: string): Promise<Array<{ id: string; status: string }>> {
    const { rows } = await dbs.order.query<{ id: string; status: string }>('SELECT id, status FROM orders WHERE user_id = $1', [userId]);
    return rows;
  }

  async function chargesOf(orderId: string) {
    const { charges, refunds } = await platform.payments.listTransactions();
    const captured = charges.filter((charge) => charge.orderId === orderId && charge.result.status === 'captured');
    const paymentIds = new Set(captured.map((charge) => (charge.result.status === 'captured' ? charge.result.paymentId : '')));
    return { captured: captured.length, refunded: refunds.filter((refund) => paymentIds.has(refund.paymentId)).length };
  }

  // The checkout goes on after the cut where it needs no database of its own: the cart is in its store, the payment
  // with the provider. So the cases differ by whether the charge went through.
  const cases: Array<{ step: keyof CheckoutHooks; outcome: 'confirmed' | 'cancelled' }> = [
    // The pending order exists; the stock reservation (catalog, the same primary) fails, nothing is charged: the
    // recovery cancels the order and the cart is given back.
    { step: 'beforeTakingCart', outcome: 'cancelled' },
    // The stock is reserved; the payment is captured while the primary is gone, and recording it fails: the recovery
    // finds the capture by the order's idempotency key and completes the order, charging nothing more.
    { step: 'afterReserve', outcome: 'confirmed' },
    // The payment is recorded; committing the reservation fails: the recovery completes the order.
    { step: 'afterPayment', outcome: 'confirmed' },
  ];

  it.each(cases)('when the primary is lost at $step, then the checkout answers within a second without a 500, and once it is back the recovery leaves the order $outcome, charged at most once, with the stock consistent', async ({ step, outcome }) => {
    const user = `primary-loss-${step}-${randomUUID().slice(0, 8)}`;
    const productId = await platform.createProduct({ onHand: 5, amount: 1500 });
    await platform.addToCart(user, productId, 2);
    await platform.restartOrderService({ checkoutHooks: { [step]: loseThePrimary } });
    const key = newKey('primary-loss');
    let answer;
    const startedAt = Date.now();
    try {
      answer = await platform.placeOrder(user, key);
    } finally {
      proxy.resume();
    }
    const ms = Date.now() - startedAt;
    // 503 (try again) or 202 (processing): never a 500, never a confirmation the database does not hold.
    expect({ status: answer.status, answered: [503, 202].includes(answer.status), fast: ms < 1000 }).toEqual({ status: answer.status, answered: true, fast: true });
    if (answer.status === 503) expect(answer.headers['retry-after']).toMatch(/^\d+$/);

    // The primary is back; a new instance's recovery resumes what the cut left.
    await eventually(async () => dbs.order.query('SELECT 1').then(() => true, () => false), 10_000, 100);
    await eventually(async () => dbs.catalog.query('SELECT 1').then(() => true, () => false), 10_000, 100);
    await platform.restartOrderService();
    await platform.recoverNow();
    const orders = await ordersOf(user);
    expect(orders).toHaveLength(1);
    const [order] = orders;
    expect(order.status).toBe(outcome);
    const charges = await chargesOf(order.id);
    expect(await platform.inventory(productId)).toEqual(outcome === 'confirmed' ? { onHand: 3, reserved: 0 } : { onHand: 5, reserved: 0 });
    expect(charges).toEqual(outcome === 'confirmed' ? { captured: 1, refunded: 0 } : { captured: 0, refunded: 0 });
    if (outcome === 'cancelled') expect(await platform.cartLines(user)).toEqual([{ productId, quantity: 2 }]);
    // The same request again gets the order's outcome, not a second order or charge.
    const replay = await platform.placeOrder(user, key);
    expect(replay.status).toBe(outcome === 'confirmed' ? 201 : 409);
    expect(await ordersOf(user)).toHaveLength(1);
    expect((await chargesOf(order.id)).captured).toBe(charges.captured);
  }, 60_000);
});
