import { randomUUID } from 'node:crypto';
import { CatalogInternalPaths, Topics } from '@shop/contracts';
import { describeEachDatabase } from '@shop/testing';
import type { Database } from '@shop/postgres';
import { buildHarness, catalogDatabases, createProduct, productBody, tableCounts, tokens, type AdminProduct, type CatalogHarness } from './catalog-harness';
import { productCacheKey } from '../src/domain/cache-keys';

const admin = `Bearer ${tokens.admin}`;

describeEachDatabase<Database>('catalog admin API', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;

  beforeAll(async () => {
    harness = await buildHarness(getDb());
    await harness.catalog.catalogSync.bulkUpsertProducts({ actor: { kind: 'system', name: 'test' } }, {
      source: 'fixture',
      products: [{ externalId: 'cat-1', sku: 'FIXTURE-1', name: 'Fixture', price: { amount: 100, currency: 'EUR' }, categoryPath: ['Garden', 'Tools'] }],
    });
  }, 60_000);
  afterAll(() => harness?.close());

  describe('authentication and authorization', () => {
    it.each([
      ['no token', undefined, 401],
      ['a customer token', `Bearer ${tokens.customer}`, 403],
      ['an admin token signed by an unknown key', `Bearer ${tokens.unknownKey}`, 401],
      ['a garbage token', 'Bearer abc.def.ghi', 401],
      ['a forged token with alg none', `Bearer ${Buffer.from('{"alg":"none","kid":"x"}').toString('base64url')}.${Buffer.from('{"sub":"a","roles":["admin"]}').toString('base64url')}.`, 401],
      ['a Basic header', 'Basic YWRtaW46YWRtaW4=', 401],
    ])('when creating a product with %s, then the answer is %d and nothing is written', async (_what, authorization, status) => {
      const before = await tableCounts(harness.db);
      const call = harness.http.post('/api/catalog/products');
      if (authorization) call.set('Authorization', authorization);
      const response = await call.send(productBody());
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(await tableCounts(harness.db)).toEqual(before);
    });

    it('when a customer lists admin products or patches one, then the answer is 403', async () => {
      const { body, etag } = await createProduct(harness);
      await harness.http.get('/api/catalog/admin/products').set('Authorization', `Bearer ${tokens.customer}`).expect(403);
      await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', `Bearer ${tokens.customer}`).set('If-Match', etag).send({ name: 'x' }).expect(403);
      await harness.http.get(`/api/catalog/admin/products/${body.id}`).expect(401);
    });
  });

  describe('creating', () => {
    it('when an admin creates a product, then it answers 201 with Location, ETag and the stored product', async () => {
      const response = await harness.http
        .post('/api/catalog/products')
        .set('Authorization', admin)
        .send(productBody({ sku: 'CREATE-1', category: 'tools', attributes: { colour: 'red' }, imageUrls: ['https://img.example.com/1.jpg'] }))
        .expect(201);
      const product = response.body as AdminProduct;
      expect(response.headers.location).toBe(`/api/catalog/products/${product.id}`);
      expect(response.headers.etag).toMatch(/^"v1-/);
      expect(product).toMatchObject({ sku: 'CREATE-1', version: 1, status: 'active', category: { slug: 'tools', path: 'Garden > Tools' }, inventory: { onHand: 0, reserved: 0 } });
      expect(product.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(product.createdAt).toISOString()).toBe(product.createdAt);
      await harness.http.get(`/api/catalog/products/${product.id}`).expect(200);
    });

    it('when the SKU is taken, then the answer is 409 and nothing is written', async () => {
      await createProduct(harness, { sku: 'DUP-1' });
      const before = await tableCounts(harness.db);
      const response = await harness.http.post('/api/catalog/products').set('Authorization', admin).send(productBody({ sku: 'DUP-1' })).expect(409);
      expect(response.body.type).toBe('urn:shop:problem:conflict');
      expect(await tableCounts(harness.db)).toEqual(before);
    });

    it('when the category does not exist, then the answer is 422', async () => {
      await harness.http.post('/api/catalog/products').set('Authorization', admin).send(productBody({ category: 'no-such-category' })).expect(422);
    });

    it.each([
      ['a fractional price', { price: { amount: 19.99, currency: 'EUR' } }, 'body.price.amount'],
      ['a negative price', { price: { amount: -1, currency: 'EUR' } }, 'body.price.amount'],
      ['a huge price', { price: { amount: 1e15, currency: 'EUR' } }, 'body.price.amount'],
      ['a price as a string', { price: { amount: '1999', currency: 'EUR' } }, 'body.price.amount'],
      ['a price as a float number', { price: 19.99 }, 'body.price'],
      ['a lower-case currency', { price: { amount: 100, currency: 'eur' } }, 'body.price.currency'],
      ['an unknown currency', { price: { amount: 100, currency: 'ABC' } }, 'body.price.currency'],
      ['a missing price', { price: undefined }, 'body.price'],
      ['a name of the wrong type', { name: 123 }, 'body.name'],
      ['an empty name', { name: '   ' }, 'body.name'],
      ['a NUL in the name', { name: 'bad\u0000name' }, 'body.name'],
      ['an unknown status', { status: 'published' }, 'body.status'],
      ['an unknown field', { colour: 'red' }, 'body'],
      ['a read-only field', { version: 7 }, 'body'],
      ['a UUID-shaped SKU', { sku: '3f1d3c1e-8a4b-4c62-9d7e-2a5b6c7d8e9f' }, 'body.sku'],
      ['a SKU with spaces', { sku: 'A B' }, 'body.sku'],
      ['a javascript: image URL', { imageUrls: ['javascript:alert(1)'] }, 'body.imageUrls.0'],
      ['attributes as an array', { attributes: ['a'] }, 'body.attributes'],
    ])('when the body has %s, then the answer is 400 naming %s and nothing is written', async (_what, overrides, field) => {
      const before = await tableCounts(harness.db);
      const response = await harness.http.post('/api/catalog/products').set('Authorization', admin).send(productBody(overrides)).expect(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((response.body.errors as Array<{ field: string }>).map((error) => error.field).join(',')).toContain(field);
      expect(await tableCounts(harness.db)).toEqual(before);
    });

    it('when the body is malformed JSON, not JSON, too large or missing, then the answer is 4xx problem+json and nothing is written', async () => {
      const before = await tableCounts(harness.db);
      const post = () => harness.http.post('/api/catalog/products').set('Authorization', admin);
      await post().set('Content-Type', 'application/json').send('{"sku": "X", ').expect(400).expect('Content-Type', /problem\+json/);
      await post().set('Content-Type', 'text/plain').send('sku=X').expect(415).expect('Content-Type', /problem\+json/);
      await post().set('Content-Type', 'application/x-www-form-urlencoded').send('sku=X').expect(415);
      await post()
        .send(productBody({ description: 'x'.repeat(1024 * 1024 + 10) }))
        .expect(413)
        .expect('Content-Type', /problem\+json/);
      await post().expect(400);
      await post().set('Content-Type', 'application/json').send('[1,2]').expect(400);
      expect(await tableCounts(harness.db)).toEqual(before);
    });
  });

  describe('changing with preconditions', () => {
    it('when patching without If-Match, then the answer is 428; with a stale ETag, 412 naming the current version', async () => {
      const { body, etag } = await createProduct(harness);
      await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).send({ name: 'New' }).expect(428);
      const updated = await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', etag).send({ name: 'Newer' }).expect(200);
      const stale = await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', etag).send({ name: 'Lost update' }).expect(412);
      expect(stale.body).toMatchObject({ type: 'urn:shop:problem:precondition_failed', currentVersion: 2 });
      await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', '*').send({ name: 'x' }).expect(412);
      await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', updated.headers.etag).send({ name: 'Newest' }).expect(200);
    });

    it('when the If-Match ETag comes from the public read, then it is accepted (only the version is compared)', async () => {
      const { body } = await createProduct(harness);
      const publicRead = await harness.http.get(`/api/catalog/products/${body.id}`).expect(200);
      await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', publicRead.headers.etag).send({ brand: 'Other' }).expect(200);
    });

    it('when a merge-patch is applied, then named fields change, null clears, nested objects merge and the version goes up', async () => {
      const { body, etag } = await createProduct(harness, { attributes: { colour: 'red', size: 'M' }, brand: 'Acme' });
      const response = await harness.http
        .patch(`/api/catalog/products/${body.id}`)
        .set('Authorization', admin)
        .set('Content-Type', 'application/merge-patch+json')
        .set('If-Match', etag)
        .send(JSON.stringify({ price: { amount: 2500 }, brand: null, attributes: { size: null, fit: 'slim' } }))
        .expect(200);
      expect(response.body).toMatchObject({ version: 2, brand: null, price: { amount: 2500, currency: 'EUR' }, attributes: { colour: 'red', fit: 'slim' }, name: body.name });
      expect(response.body.attributes).not.toHaveProperty('size');
      expect(response.headers.etag).toMatch(/^"v2-/);
    });

    it.each([
      ['a fractional price', { price: { amount: 1.5 } }],
      ['a null name', { name: null }],
      ['a null price', { price: null }],
      ['a read-only field', { version: 9 }],
      ['an id', { id: '3f1d3c1e-8a4b-4c62-9d7e-2a5b6c7d8e9f' }],
      ['an array instead of an object', [{ name: 'x' }]],
    ])('when a merge-patch has %s, then the answer is 400 and the product is unchanged', async (_what, patch) => {
      const { body, etag } = await createProduct(harness);
      await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', etag).send(patch).expect(400);
      const after = await harness.http.get(`/api/catalog/admin/products/${body.id}`).set('Authorization', admin).expect(200);
      expect(after.body).toEqual(body);
    });

    it('when two PATCHes race with the same If-Match, then exactly one wins and the other gets 412', async () => {
      const { body, etag } = await createProduct(harness);
      const patch = (name: string) => harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', etag).send({ name });
      const responses = await Promise.all([patch('First'), patch('Second')]);
      expect(responses.map((r) => r.status).sort()).toEqual([200, 412]);
      const winner = responses.find((r) => r.status === 200)!;
      const stored = await harness.http.get(`/api/catalog/admin/products/${body.id}`).set('Authorization', admin).expect(200);
      expect(stored.body).toMatchObject({ name: winner.body.name, version: 2 });
    });

    it('when a product is replaced with PUT, then omitted optional fields are reset', async () => {
      const { body, etag } = await createProduct(harness, { attributes: { colour: 'red' }, description: 'old' });
      const response = await harness.http
        .put(`/api/catalog/products/${body.id}`)
        .set('Authorization', admin)
        .set('If-Match', etag)
        .send({ sku: body.sku, name: 'Replaced', price: { amount: 5, currency: 'USD' }, status: 'draft' })
        .expect(200);
      expect(response.body).toMatchObject({ name: 'Replaced', description: '', attributes: {}, brand: null, price: { amount: 5, currency: 'USD' }, status: 'draft', version: 2 });
    });
  });

  describe('cache and visibility', () => {
    it('when a product is updated, then the next public read shows the change (by id and by SKU) with a new ETag', async () => {
      const { body, etag } = await createProduct(harness, { sku: 'CACHE-1', name: 'Before' });
      const first = await harness.http.get(`/api/catalog/products/${body.id}`).expect(200);
      await harness.http.get('/api/catalog/products/CACHE-1').expect(200);
      expect(await harness.stateStore.get(productCacheKey(body.id))).toBeDefined();
      await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', etag).send({ name: 'After', sku: 'CACHE-2' }).expect(200);
      const byId = await harness.http.get(`/api/catalog/products/${body.id}`).expect(200);
      expect(byId.body.name).toBe('After');
      expect(byId.headers.etag).not.toBe(first.headers.etag);
      await harness.http.get('/api/catalog/products/CACHE-1').expect(404);
      expect((await harness.http.get('/api/catalog/products/CACHE-2').expect(200)).body.name).toBe('After');
    });

    it('when the stock changes, then the ETag changes but keeps the version part for If-Match', async () => {
      const { body, etag } = await createProduct(harness);
      const before = await harness.http.get(`/api/catalog/products/${body.id}`).expect(200);
      const stocked = await harness.http.put(`/api/catalog/products/${body.id}/inventory`).set('Authorization', admin).set('If-Match', etag).send({ onHand: 5 }).expect(200);
      expect(stocked.body.inventory).toEqual({ onHand: 5, reserved: 0 });
      const after = await harness.http.get(`/api/catalog/products/${body.id}`).expect(200);
      expect(after.body.availability).toEqual({ available: 5, inStock: true });
      expect(after.headers.etag).not.toBe(before.headers.etag);
      await harness.http.get(`/api/catalog/products/${body.id}`).set('If-None-Match', before.headers.etag).expect(200);
      await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', after.headers.etag).send({ name: 'ok' }).expect(200);
    });

    it('when stock on hand would fall below what is reserved, then the answer is 409', async () => {
      const { body, etag } = await createProduct(harness);
      const stocked = await harness.http.put(`/api/catalog/products/${body.id}/inventory`).set('Authorization', admin).set('If-Match', etag).send({ onHand: 10 }).expect(200);
      await harness.http.post(CatalogInternalPaths.reservations).send({ orderId: randomUUID(), lines: [{ productId: body.id, quantity: 4 }] }).expect(201);
      const response = await harness.http.put(`/api/catalog/products/${body.id}/inventory`).set('Authorization', admin).set('If-Match', stocked.headers.etag).send({ onHand: 3 }).expect(409);
      expect(response.body.reserved).toBe(4);
      await harness.http.put(`/api/catalog/products/${body.id}/inventory`).set('Authorization', admin).set('If-Match', stocked.headers.etag).send({ onHand: -1 }).expect(400);
      await harness.http.put(`/api/catalog/products/${body.id}/inventory`).set('Authorization', admin).set('If-Match', stocked.headers.etag).send({ onHand: 2.5 }).expect(400);
      // Reservations keep the product: deleting it is refused, archiving is the way.
      await harness.http.delete(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', stocked.headers.etag).expect(409);
    });

    it('when a product is archived, then it disappears from the public API but the admin API still has it', async () => {
      const { body, etag } = await createProduct(harness);
      await harness.http.get(`/api/catalog/products/${body.id}`).expect(200);
      const archived = await harness.http.post(`/api/catalog/products/${body.id}/archive`).set('Authorization', admin).set('If-Match', etag).expect(200);
      expect(archived.body.status).toBe('archived');
      await harness.http.get(`/api/catalog/products/${body.id}`).expect(404);
      const list = await harness.http.get('/api/catalog/admin/products?status=archived&limit=100').set('Authorization', admin).expect(200);
      expect((list.body.items as AdminProduct[]).map((item) => item.id)).toContain(body.id);
      expect(new Set((list.body.items as AdminProduct[]).map((item) => item.status))).toEqual(new Set(['archived']));
    });

    it('when a product is deleted, then it is gone everywhere', async () => {
      const { body, etag } = await createProduct(harness);
      await harness.http.get(`/api/catalog/products/${body.id}`).expect(200);
      await harness.http.delete(`/api/catalog/products/${body.id}`).set('Authorization', admin).expect(428);
      await harness.http.delete(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', etag).expect(204);
      await harness.http.get(`/api/catalog/products/${body.id}`).expect(404);
      await harness.http.get(`/api/catalog/admin/products/${body.id}`).set('Authorization', admin).expect(404);
      await harness.http.delete(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', etag).expect(404);
    });

    it('when admins list drafts, then drafts are returned, and the admin search finds them', async () => {
      const { body } = await createProduct(harness, { status: 'draft', name: 'Zephyr Draftling' });
      const list = await harness.http.get('/api/catalog/admin/products?status=draft&q=zephyr').set('Authorization', admin).expect(200);
      expect((list.body.items as AdminProduct[]).map((item) => item.id)).toEqual([body.id]);
      await harness.http.get('/api/catalog/admin/products?status=deleted').set('Authorization', admin).expect(400);
    });
  });

  describe('events', () => {
    it('when products are created, updated and deleted, then product events with the changes and the admin are relayed from the outbox', async () => {
      const products = harness.received.get(Topics.products)!;
      const { body, etag } = await createProduct(harness, { sku: 'EVENT-1' });
      const patched = await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', etag).send({ name: 'Renamed', price: { amount: 4200 } }).expect(200);
      await harness.http.delete(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', patched.headers.etag).expect(204);
      await harness.flushEvents();
      const mine = products.filter((event) => event.subject === body.id);
      expect(mine.map((event) => event.type)).toEqual(['product.created', 'product.updated', 'product.deleted']);
      expect(mine[0].data).toMatchObject({ productId: body.id, sku: 'EVENT-1', version: 1, actor: { userId: 'admin-1', email: 'admin@example.com' } });
      expect(mine[1].data).toEqual({
        productId: body.id,
        sku: 'EVENT-1',
        version: 2,
        changes: { name: 'Renamed', price: { amount: 4200, currency: 'EUR' } },
        actor: { userId: 'admin-1', email: 'admin@example.com' },
      });
      expect(mine[2].data).toEqual({ productId: body.id, sku: 'EVENT-1', actor: { userId: 'admin-1', email: 'admin@example.com' } });
      expect(mine[0].source).toBe('catalog');
    });

    it('when a write is refused, then no event is enqueued', async () => {
      const { body, etag } = await createProduct(harness);
      await harness.flushEvents();
      const before = harness.received.get(Topics.products)!.length;
      await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', '"v99-x"').send({ name: 'nope' }).expect(412);
      await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', etag).send({ price: { amount: -5 } }).expect(400);
      await harness.flushEvents();
      expect(harness.received.get(Topics.products)!.length).toBe(before);
    });
  });
});
