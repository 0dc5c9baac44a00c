import { describeEachDatabase } from '@shop/testing';
import { newKey, platformDatabases, startTestPlatform, type PlatformDatabases, type TestPlatform } from './order-platform';

describeEachDatabase<PlatformDatabases>('flash sale', platformDatabases, (getDbs, kind) => {
  // PGlite runs one transaction at a time (the race is serialised there); PostgreSQL runs the real race.
  const shoppers = 200;
  const units = 20;
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform(getDbs());
  }, 60_000);
  afterAll(() => platform?.close());

  it(`when ${shoppers} shoppers check out ${units} units at once, then exactly ${units} orders are confirmed and paid and the rest get 409`, async () => {
    const productId = await platform.createProduct({ onHand: units, amount: 4999 });
    const users = Array.from({ length: shoppers }, (_, i) => `flash-${kind}-${i}`);
    for (let i = 0; i < users.length; i += 25) await Promise.all(users.slice(i, i + 25).map((user) => platform.addToCart(user, productId, 1)));

    const started = performance.now();
    const responses = await Promise.all(users.map((user) => platform.placeOrder(user, newKey('flash'))));
    const seconds = (performance.now() - started) / 1000;

    const statuses = responses.map((response) => response.status);
    const confirmed = responses.filter((response) => response.status === 201);
    expect(statuses.filter((status) => status !== 201 && status !== 409)).toEqual([]);
    expect(confirmed).toHaveLength(units);
    expect(statuses.filter((status) => status === 409)).toHaveLength(shoppers - units);
    for (const response of confirmed) expect(response.body).toMatchObject({ status: 'confirmed', total: { amount: 4999, currency: 'EUR' } });
    for (const response of responses.filter((r) => r.status === 409)) {
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body.outOfStock).toEqual([{ productId, requested: 1, available: 0 }]);
    }

    expect(await platform.inventory(productId)).toEqual({ onHand: 0, reserved: 0 });
    const { charges, refunds } = await platform.payments.listTransactions();
    const confirmedIds = new Set(confirmed.map((response) => response.body.id as string));
    const captured = charges.filter((charge) => charge.result.status === 'captured');
    expect(captured).toHaveLength(units);
    expect(new Set(captured.map((charge) => charge.orderId))).toEqual(confirmedIds);
    expect(refunds).toEqual([]);
    const { rows } = await platform.dbs.order.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM orders GROUP BY status ORDER BY status');
    expect(rows.map((row) => [row.status, Number(row.n)])).toEqual([
      ['cancelled', shoppers - units],
      ['confirmed', units],
    ]);

    console.log(
      `flash sale (${kind}): ${shoppers} concurrent checkouts for ${units} units in ${seconds.toFixed(2)} s → ${units} confirmed (${(units / seconds).toFixed(1)} confirmed orders/s, ${(shoppers / seconds).toFixed(1)} checkouts/s)`,
    );
  }, 120_000);
});
