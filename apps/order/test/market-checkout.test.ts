import { randomUUID } from 'node:crypto';
import { describeEachDatabase } from '@shop/testing';
import { adminBearer, bearerFor, cartRedisUrlFor, newKey, orderBody, platformDatabases, startTestPlatform, type PlatformDatabases, type TestPlatform } from './order-platform';

// The demo rate table: a product's base price in EUR, derived prices in the other market currencies.
const rates = { EUR: '1', USD: '1.08', GBP: '0.85', JPY: '162' };

describeEachDatabase<PlatformDatabases>('an order keeps the currency of its cart market', platformDatabases, (getDbs, kind) => {
  let platform: TestPlatform;
  const newUser = () => `market-${kind}-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    platform = await startTestPlatform(getDbs(), { paymentTimeoutMs: 10_000 }, { cartRedisUrl: cartRedisUrlFor(kind), priceConversionRates: rates });
  }, 60_000);
  afterAll(() => platform?.close());

  it('when a shopper in the jp market checks out, then the order, its lines and the reservation are in yen at the cart price, and stay so when the price changes', async () => {
    const user = newUser();
    const productId = await platform.createProduct({ onHand: 5, amount: 1999, currency: 'EUR' });
    const added = await platform.cart.post('/api/cart/items').set('Authorization', bearerFor(user)).set('Cookie', 'shop_market=jp').send({ productId, quantity: 2 }).expect(200);
    expect(added.body).toMatchObject({ market: 'jp', subtotal: { amount: 6476, currency: 'JPY' } });

    const placed = await platform.placeOrder(user, newKey('jp'), orderBody()).expect(201);
    expect(placed.body).toMatchObject({ status: 'confirmed', currency: 'JPY', subtotal: { amount: 6476, currency: 'JPY' } });
    expect(placed.body.lines).toEqual([expect.objectContaining({ productId, quantity: 2, unitPrice: { amount: 3238, currency: 'JPY' }, lineTotal: { amount: 6476, currency: 'JPY' } })]);
    const reserved = await platform.dbs.catalog.query<{ unit_price_amount: string; unit_price_currency: string }>('SELECT unit_price_amount, unit_price_currency FROM inventory_reservations WHERE order_id = $1', [placed.body.id]);
    expect(reserved.rows.map((row) => [Number(row.unit_price_amount), row.unit_price_currency])).toEqual([[3238, 'JPY']]);

    // The admin doubles the base price: the placed order keeps what the shopper paid.
    const product = await platform.catalog.get(`/api/catalog/admin/products/${productId}`).set('Authorization', adminBearer).expect(200);
    await platform.catalog
      .patch(`/api/catalog/products/${productId}`)
      .set('Authorization', adminBearer)
      .set('If-Match', product.headers.etag)
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ price: { amount: 3998 } }))
      .expect(200);
    const order = await platform.orders.get(`/api/orders/${placed.body.id}`).set('Authorization', bearerFor(user)).expect(200);
    expect(order.body).toMatchObject({ currency: 'JPY', subtotal: { amount: 6476, currency: 'JPY' } });
  });

  it('when the cart moves from the us to the uk market before checkout, then the order is placed in pounds at the re-priced amounts', async () => {
    const user = newUser();
    const productId = await platform.createProduct({ onHand: 5, amount: 1000, currency: 'EUR' });
    await platform.cart.post('/api/cart/items?market=us').set('Authorization', bearerFor(user)).send({ productId, quantity: 1 }).expect(200);
    const moved = await platform.cart.put('/api/cart/market').set('Authorization', bearerFor(user)).send({ market: 'uk' }).expect(200);
    expect(moved.body.lines[0]).toMatchObject({ unitPrice: { amount: 850, currency: 'GBP' }, repricedFrom: { amount: 1080, currency: 'USD' } });

    const placed = await platform.placeOrder(user, newKey('uk'), orderBody()).expect(201);
    expect(placed.body).toMatchObject({ status: 'confirmed', currency: 'GBP', subtotal: { amount: 850, currency: 'GBP' } });
  });
});
