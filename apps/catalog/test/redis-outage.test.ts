import request from 'supertest';
import { InMemoryEventBus, RedisStateStore, type SaveOptions, type StateEntry, type StateStore } from '@shop/building-blocks';
import { StaticJwks, TokenVerifier, AccessTokenSigner, generateSigningKey } from '@shop/auth-tokens';
import { productPageSchema, productViewSchema } from '@shop/contracts';
import { silentLogger, type Logger } from '@shop/kernel';
import { PgliteDatabase, type Database } from '@shop/postgres';
import { describeWithBackend, eventually, startTcpProxy, uniqueTestTag, type TcpProxy } from '@shop/testing';
import { createCatalogApp, migrateCatalog, type CatalogApp } from '../src/composition';
import { productCacheKey, skuCacheKey } from '../src/domain/cache-keys';
import { buildHarness, createProduct, type AdminProduct, type CatalogHarness } from './catalog-harness';

/** A state store that counts the calls that reach it and the reads it answered with an entry (cache hits). */
class CountingStateStore implements StateStore {
  calls = 0;
  hits = 0;

  constructor(private readonly inner: StateStore) {}

  async get<T>(key: string): Promise<StateEntry<T> | undefined> {
    this.calls += 1;
    const entry = await this.inner.get<T>(key);
    if (entry) this.hits += 1;
    return entry;
  }

  save<T>(key: string, value: T, options?: SaveOptions): Promise<string> {
    this.calls += 1;
    return this.inner.save(key, value, options);
  }

  delete(key: string, options?: { etag?: string }): Promise<void> {
    this.calls += 1;
    return this.inner.delete(key, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A logger that keeps the messages of warnings and infos. */
function recordingLogger(): { logger: Logger; warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    warn: (_details, message) => void warnings.push(message),
    info: (_details, message) => void infos.push(message),
    child: () => logger,
  };
  return { logger, warnings, infos };
}

describeWithBackend('redis', 'catalog while Redis stalls', (redisUrl) => {
  const keyPrefix = `${uniqueTestTag('catalog-outage')}:`;
  let db: Database;
  let seeding: CatalogHarness;
  let product: AdminProduct;
  let proxy: TcpProxy;
  let store: CountingStateStore;
  let catalog: CatalogApp;
  let eventBus: InMemoryEventBus;
  let log: ReturnType<typeof recordingLogger>;
  // Straight to Redis, past the proxy: what the cache holds, whatever the proxy does.
  const direct = new RedisStateStore({ url: redisUrl, keyPrefix });
  const idKey = () => productCacheKey(product.id);
  const skuKey = () => skuCacheKey(product.sku);
  // L1 would answer every read after the first: each read here must get past it to reach L2 (then PostgreSQL).
  const forgetL1 = () => catalog.readCache.forgetLocally({ productIds: [product.id], lists: true });

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    await migrateCatalog(db);
    // The product is created through the admin API of an in-memory harness on the same database.
    seeding = await buildHarness(db);
    product = (await createProduct(seeding, { sku: 'OUTAGE-1', name: 'Outage Lantern', description: 'Shines while Redis is down' })).body;
    const target = new URL(redisUrl);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    store = new CountingStateStore(new RedisStateStore({ url: proxy.urlFor(redisUrl), keyPrefix }));
    eventBus = new InMemoryEventBus({ source: 'catalog' });
    log = recordingLogger();
    catalog = createCatalogApp({
      db,
      stateStore: store,
      eventBus,
      verifier: new TokenVerifier({ jwks: new StaticJwks(new AccessTokenSigner({ keys: [generateSigningKey()] }).jwks()) }),
      logger: log.logger,
      // Half-open sooner than the production 5 s, so the recovery is seen quickly, yet late enough that the breaker
      // stays open through all the outage reads below (a trial call among them would reach the stalled store).
      productCacheBreaker: { consecutiveFailures: 3, halfOpenAfterMs: 2000 },
    });
  }, 60_000);

  afterAll(async () => {
    proxy?.resume();
    await catalog?.analytics.close();
    await store?.close();
    await proxy?.close();
    if (product) await Promise.all([direct.delete(idKey()), direct.delete(skuKey())]);
    await direct.close();
    await eventBus?.close();
    await seeding?.close();
    await db?.close();
  });

  const cachedById = async () => (await direct.get(idKey())) !== undefined;

  it('when Redis stops answering, then product reads and searches answer 200 from PostgreSQL, the cache is bypassed after the breaker opens, and it is used again once Redis is back', async () => {
    const http = request(catalog.app);
    const healthy = await http.get(`/api/catalog/products/${product.id}`).expect(200);
    expect(productViewSchema.parse(healthy.body)).toMatchObject({ id: product.id, sku: product.sku, name: 'Outage Lantern' });
    expect(await cachedById()).toBe(true);
    // What the read cached is dropped behind the proxy's back, so the outage reads cannot be served from it.
    await Promise.all([direct.delete(idKey()), direct.delete(skuKey())]);
    forgetL1();

    proxy.pause();
    const callsAtOutage = store.calls;
    const outageReads = [];
    let callsAfterThirdRead = 0;
    for (let read = 1; read <= 20; read += 1) {
      forgetL1();
      const response = await http.get(`/api/catalog/products/${product.id}`);
      outageReads.push({ status: response.status, body: response.text, etag: response.headers.etag });
      if (read === 3) callsAfterThirdRead = store.calls;
    }
    const search = await http.get('/api/catalog/products?q=outage');

    expect(outageReads.every((read) => read.status === 200 && read.body === healthy.text && read.etag === healthy.headers.etag)).toBe(true);
    expect(search.status).toBe(200);
    expect(productPageSchema.parse(search.body).items.map((item) => item.id)).toEqual([product.id]);
    // Three failures in a row (the first read's get and its two fills, representation and SKU pointer) opened the
    // breaker: at most four calls reached the stalled store, and none of reads 4 to 20 did.
    expect(callsAfterThirdRead - callsAtOutage).toBeLessThanOrEqual(4);
    expect(store.calls).toBe(callsAfterThirdRead);
    // One warning for the outage, not one per request.
    expect(log.warnings).toEqual(['product cache unavailable; reading products from the database until it recovers']);

    proxy.resume();
    const hitsBeforeRecovery = store.hits;
    await eventually(async () => {
      forgetL1();
      const response = await http.get(`/api/catalog/products/${product.id}`);
      return response.status === 200 && response.text === healthy.text && store.hits > hitsBeforeRecovery;
    });
    expect(await cachedById()).toBe(true);
    expect(log.infos).toContain('product cache recovered');
  }, 20_000);
});
