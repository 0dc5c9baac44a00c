import request from 'supertest';
import { InMemoryEventBus, InMemoryRateLimiter, InMemoryStateStore, type CloudEvent } from '@shop/building-blocks';
import { AccessTokenSigner, StaticJwks, TokenVerifier, generateSigningKey } from '@shop/auth-tokens';
import { EventTypes, Topics } from '@shop/contracts';
import { createLogger } from '@shop/platform';
import type { Database } from '@shop/postgres';
import type { BuildingBlocks } from '@shop/service-runtime';
import { describeEachDatabase, eventually } from '@shop/testing';
import { startCatalogService } from '../src/composition';
import { loadCatalogConfig } from '../src/config';
import type { CatalogSyncService } from '../src/domain/catalog-sync.service';
import { catalogSyncHandler } from '../src/events/subscriptions';
import { DEMO_PRODUCT_COUNT } from '../src/jobs/demo-catalog.seed';
import { buildHarness, catalogDatabases, tableCounts, tokens, type CatalogHarness } from './catalog-harness';

const logger = createLogger({ service: 'catalog-test', level: 'silent' });

function record(externalId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalId,
    sku: `SYNC-${externalId}`,
    name: `Synced ${externalId}`,
    price: { amount: 1000, currency: 'EUR' },
    categoryPath: ['Office', 'Paper', 'Notebooks'],
    onHand: 3,
    ...overrides,
  };
}

function syncEvent(id: string, data: unknown, type: string = EventTypes.catalogSyncBatch): CloudEvent<unknown> {
  return { specversion: '1.0', id, source: 'erp', type, time: new Date().toISOString(), datacontenttype: 'application/json', data };
}

describeEachDatabase<Database>('catalog sync', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;

  it('when the service starts on an empty database with the demo seed on, then it seeds, listens, and applies batches from the catalog-sync topic', async () => {
    const signer = new AccessTokenSigner({ keys: [generateSigningKey()] });
    const eventBus = new InMemoryEventBus({ source: 'catalog' });
    const stateStore = new InMemoryStateStore();
    const blocks: BuildingBlocks = {
      kind: 'memory',
      stateStore,
      eventBus,
      broadcastBus: eventBus,
      regionalBus: eventBus,
      instanceId: 'test-instance',
      rateLimiter: new InMemoryRateLimiter(),
      invoker: { invoke: async () => ({ status: 503, headers: {}, body: undefined as never }) },
      mountOnApp: () => undefined,
      close: async () => {
        await eventBus.close();
        await stateStore.close();
      },
    };
    // Port 0 (any free one) is not a valid PORT setting, so it is put in after validation.
    const config = { ...loadCatalogConfig({ HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEED_DEMO_CATALOG: 'true', OUTBOX_POLL_INTERVAL_MS: '50' }), PORT: 0 };
    const running = await startCatalogService({ config, logger, blocks, db: getDb(), verifier: new TokenVerifier({ jwks: new StaticJwks(signer.jwks()) }) });
    try {
      await request(running.url).get('/readyz').expect(200);
      const list = await request(running.url).get('/api/catalog/products?limit=100').expect(200);
      expect(list.body.items).toHaveLength(100);
      expect((await tableCounts(getDb())).products).toBe(DEMO_PRODUCT_COUNT);
      await eventBus.publish(Topics.catalogSync, { id: 'batch-started-1', type: EventTypes.catalogSyncBatch, data: { source: 'erp', products: [record('boot-1')] } });
      const product = await eventually(async () => {
        const response = await request(running.url).get('/api/catalog/products/SYNC-boot-1');
        return response.status === 200 ? response.body : undefined;
      });
      expect(product).toMatchObject({ name: 'Synced boot-1', category: { path: 'Office > Paper > Notebooks' }, availability: { available: 3 } });
    } finally {
      await running.stop();
    }
  });

  describe('with the app', () => {
    beforeAll(async () => {
      harness = await buildHarness(getDb());
    });
    afterAll(() => harness?.close());

    const upsert = (body: object, token = tokens.admin) => harness.http.post('/internal/catalog/products/bulk-upsert').set('Authorization', `Bearer ${token}`).send(body);

    it('when a batch is upserted twice, then the second run reports everything unchanged and bad records are rejected with a reason', async () => {
      const batch = {
        source: 'pim',
        products: [record('a1'), record('a2', { brand: 'Papyrus' }), record('bad-price', { price: { amount: 9.5, currency: 'EUR' } }), { sku: 'NO-EXTERNAL-ID' }],
      };
      const first = await upsert(batch).expect(200);
      expect(first.body).toEqual({
        created: 2,
        updated: 0,
        unchanged: 0,
        rejected: [
          { externalId: 'bad-price', reason: expect.stringContaining('price.amount') },
          { externalId: '#3', reason: expect.stringContaining('externalId') },
        ],
      });
      const countsAfterFirst = await tableCounts(harness.db);
      const second = await upsert(batch).expect(200);
      expect(second.body).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
      expect(second.body.rejected).toHaveLength(2);
      expect(await tableCounts(harness.db)).toEqual(countsAfterFirst);
    });

    it('when a synced product changes, then only it is updated, its cache entry goes and a product.updated event carries the changes', async () => {
      await upsert({ source: 'pim', products: [record('b1'), record('b2')] }).expect(200);
      const before = await harness.http.get('/api/catalog/products/SYNC-b1').expect(200);
      const report = await upsert({ source: 'pim', products: [record('b1', { name: 'Renamed b1', onHand: 7 }), record('b2')] }).expect(200);
      expect(report.body).toEqual({ created: 0, updated: 1, unchanged: 1, rejected: [] });
      const after = await harness.http.get('/api/catalog/products/SYNC-b1').expect(200);
      expect(after.body).toMatchObject({ name: 'Renamed b1', version: before.body.version + 1, availability: { available: 7 } });
      await harness.flushEvents();
      const updates = harness.received.get(Topics.products)!.filter((event) => event.type === 'product.updated' && event.subject === before.body.id);
      expect(updates.map((event) => event.data)).toEqual([
        { productId: before.body.id, sku: 'SYNC-b1', version: before.body.version + 1, changes: { name: 'Renamed b1', onHand: 7 }, actor: { userId: 'admin-1', email: 'admin@example.com' } },
      ]);
    });

    it('when a record is priced in three letters that are no ISO 4217 currency, then it is rejected for its currency with the reason the sync gives too', async () => {
      const report = await upsert({ source: 'pim', products: [record('cur-1', { price: { amount: 1000, currency: 'ABC' } }), record('cur-2')] }).expect(200);
      expect(report.body).toEqual({
        created: 1,
        updated: 0,
        unchanged: 0,
        rejected: [{ externalId: 'cur-1', reason: 'price.currency: must be an upper-case ISO 4217 currency code such as EUR' }],
      });
    });

    it('when a record takes a SKU that another product has, then that record is rejected and the rest of the batch applies', async () => {
      await harness.http
        .post('/api/catalog/products')
        .set('Authorization', `Bearer ${tokens.admin}`)
        .send({ sku: 'TAKEN-1', name: 'Admin product', price: { amount: 1, currency: 'EUR' } })
        .expect(201);
      const report = await upsert({ source: 'pim', products: [record('c1', { sku: 'TAKEN-1' }), record('c2'), record('c2')] }).expect(200);
      expect(report.body).toMatchObject({ created: 1, rejected: [{ externalId: 'c1', reason: expect.stringContaining('TAKEN-1') }, { externalId: 'c2', reason: expect.stringContaining('more than once') }] });
    });

    it('when the caller is not an admin or the batch itself is malformed, then the answer is 4xx and nothing is written', async () => {
      const before = await tableCounts(harness.db);
      await upsert({ source: 'pim', products: [record('d1')] }, tokens.customer).expect(403);
      await harness.http.post('/internal/catalog/products/bulk-upsert').send({ source: 'pim', products: [] }).expect(401);
      await upsert({ source: 'Bad Source!', products: [record('d1')] }).expect(400);
      await upsert({ source: 'pim', products: 'nope' }).expect(400);
      await upsert({ source: 'pim', products: Array.from({ length: 1001 }, () => ({})) }).expect(400);
      expect(await tableCounts(harness.db)).toEqual(before);
    });

    it('when the same sync event is delivered twice, then it is applied once and both deliveries succeed', async () => {
      const handler = catalogSyncHandler(harness.catalog.catalogSync, logger);
      const event = syncEvent('sync-event-1', { source: 'erp', products: [record('e1')] });
      expect(await handler(event)).toBe('SUCCESS');
      const afterFirst = await tableCounts(harness.db);
      await harness.db.query("UPDATE products SET content_hash = NULL WHERE sku = 'SYNC-e1'");
      expect(await handler(event)).toBe('SUCCESS');
      expect(await tableCounts(harness.db)).toEqual(afterFirst);
      expect(await handler(syncEvent('sync-event-2', { source: 'erp', products: [record('e1')] }))).toBe('SUCCESS');
    });

    it('when a sync event can never be applied, then the handler answers DROP; when applying fails, RETRY', async () => {
      const handler = catalogSyncHandler(harness.catalog.catalogSync, logger);
      expect(await handler(syncEvent('bad-1', { products: [] }))).toBe('DROP');
      expect(await handler(syncEvent('bad-2', { source: 'erp', products: [] }, 'product.updated'))).toBe('DROP');
      const failing = { bulkUpsertProducts: async () => Promise.reject(new Error('database unavailable')) } as unknown as CatalogSyncService;
      expect(await catalogSyncHandler(failing, logger)(syncEvent('ok-1', { source: 'erp', products: [] }))).toBe('RETRY');
    });
  });
});
