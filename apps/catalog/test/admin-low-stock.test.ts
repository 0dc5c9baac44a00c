import { describeEachDatabase } from '@shop/testing';
import type { Database } from '@shop/postgres';
import { buildHarness, catalogDatabases, createProduct, tokens, type CatalogHarness } from './catalog-harness';

const admin = `Bearer ${tokens.admin}`;

/** The back-office home's low-stock list: the admin product search filtered by availability. */
describeEachDatabase<Database>('catalog admin low-stock list', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;
  const stocked: Record<string, string> = {};

  beforeAll(async () => {
    harness = await buildHarness(getDb());
    for (const [name, onHand] of [['Low Lamp', 2], ['Empty Lamp', 0], ['Edge Lamp', 5], ['Full Lamp', 40]] as const) {
      const { body, etag } = await createProduct(harness, { name });
      await harness.http.put(`/api/catalog/products/${body.id}/inventory`).set('Authorization', admin).set('If-Match', etag).send({ onHand }).expect(200);
      stocked[body.id] = name;
    }
    // Reserved units are not available: 40 on hand with 38 reserved is low too.
    const full = Object.entries(stocked).find(([, name]) => name === 'Full Lamp')![0];
    await harness.catalog.reservations.reserveStock({ orderId: '00000000-0000-4000-8000-0000000000aa', lines: [{ productId: full, quantity: 38 }], ttlSeconds: 600 });
  }, 60_000);
  afterAll(() => harness?.close());

  it('when an admin lists active products with at most 5 available, then those and only those come back', async () => {
    const response = await harness.http.get('/api/catalog/admin/products?status=active&maxAvailable=5&limit=100').set('Authorization', admin).expect(200);
    const names = response.body.items.filter((item: { id: string }) => item.id in stocked).map((item: { name: string }) => item.name).sort();
    expect(names).toEqual(['Edge Lamp', 'Empty Lamp', 'Full Lamp', 'Low Lamp']);
    for (const item of response.body.items) expect(item.availability.available).toBeLessThanOrEqual(5);
    const stricter = await harness.http.get('/api/catalog/admin/products?status=active&maxAvailable=1&limit=100').set('Authorization', admin).expect(200);
    expect(stricter.body.items.filter((item: { id: string }) => item.id in stocked).map((item: { name: string }) => item.name)).toEqual(['Empty Lamp']);
  });

  it('when the filter is not a non-negative integer, then the answer is 400', async () => {
    await harness.http.get('/api/catalog/admin/products?maxAvailable=-1').set('Authorization', admin).expect(400);
    await harness.http.get('/api/catalog/admin/products?maxAvailable=few').set('Authorization', admin).expect(400);
  });

  it('when a page continues with a cursor of another maxAvailable, then the cursor is refused', async () => {
    const first = await harness.http.get('/api/catalog/admin/products?maxAvailable=5&limit=1').set('Authorization', admin).expect(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    await harness.http.get(`/api/catalog/admin/products?maxAvailable=1&limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`).set('Authorization', admin).expect(400);
  });
});
