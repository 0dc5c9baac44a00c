import request from 'supertest';
import { AccessTokenSigner, StaticJwks, TokenVerifier, generateSigningKey } from '@shop/auth-tokens';
import { broadcastSubscription, InMemoryEventBus, RedisStateStore, RedisStreamsEventBus, type StateStore } from '@shop/building-blocks';
import { productPageSchema, productViewSchema } from '@shop/contracts';
import { silentLogger } from '@shop/kernel';
import { PgliteDatabase, type Database } from '@shop/postgres';
import { describeEachDatabase, describeWithBackend, eventually, uniqueTestTag } from '@shop/testing';
import { createCatalogApp, migrateCatalog, type CatalogApp } from '../src/composition';
import { LIST_GENERATION_KEY, productCacheKey, skuCacheKey } from '../src/domain/cache-keys';
import { subscribeCacheInvalidations } from '../src/events/cache-invalidation';
import { buildHarness, catalogDatabases, createProduct, tokens, type AdminProduct, type CatalogHarness } from './catalog-harness';

/** The database, with the public product lookups (by id or SKU, active only) and the searches it is asked for counted. */
function countingReads(db: Database): { db: Database; lookups: () => number; searches: () => number } {
  let lookups = 0;
  let searches = 0;
  const counted = new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if ((property !== 'query' && property !== 'readQuery') || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return (sql: string, params?: unknown[]) => {
        if (/WHERE p\.(id|sku) = \$1 AND p\.status/.test(sql)) lookups += 1;
        if (sql.includes(') hits')) searches += 1;
        return (value as Database['query']).call(target, sql, params);
      };
    },
  });
  return { db: counted, lookups: () => lookups, searches: () => searches };
}

describeEachDatabase<Database>('the two-level read cache (L1 in process, L2 in the state store)', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;
  let counter: ReturnType<typeof countingReads>;
  let product: AdminProduct;

  beforeAll(async () => {
    counter = countingReads(getDb());
    harness = await buildHarness(counter.db);
    product = (await createProduct(harness, { sku: 'TWO-LEVEL-1', name: 'Layered Lamp', brand: 'Stratum' })).body;
  }, 60_000);
  afterAll(() => harness?.close());

  const read = (ref: string) => harness.http.get(`/api/catalog/products/${ref}`).expect(200);
  const inL2 = async (key: string) => (await harness.stateStore.get(key)) !== undefined;

  it('when a product was read once, then the next read is answered by L1: neither the database nor L2 is asked', async () => {
    const first = await read(product.id);
    expect(await inL2(productCacheKey(product.id))).toBe(true);
    // Emptied behind the cache's back: a read that asked L2 would miss and fill it again from the database.
    await harness.stateStore.delete(productCacheKey(product.id));
    const lookups = counter.lookups();
    const second = await read(product.id);
    expect(second.text).toBe(first.text);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(counter.lookups()).toBe(lookups);
    expect(await inL2(productCacheKey(product.id))).toBe(false);
  });

  it('when L1 does not have a product but L2 does, then L2 answers without the database and fills L1', async () => {
    await read(product.id);
    harness.catalog.readCache.forgetLocally({ productIds: [product.id], lists: false });
    await harness.stateStore.delete(productCacheKey(product.id));
    await read(product.id); // L1 and L2 miss: from the database, into both
    harness.catalog.readCache.forgetLocally({ productIds: [product.id], lists: false });
    const lookups = counter.lookups();
    const fromL2 = await read(product.id);
    expect(counter.lookups()).toBe(lookups);
    await harness.stateStore.delete(productCacheKey(product.id));
    const fromL1 = await read(product.id);
    expect(fromL1.text).toBe(fromL2.text);
    expect(counter.lookups()).toBe(lookups);
  });

  it('when a product is read by SKU, then L2 keeps a pointer to its id, and the representation is the one under the id', async () => {
    const bySku = await read(product.sku);
    expect(productViewSchema.parse(bySku.body).id).toBe(product.id);
    expect(await harness.stateStore.get(skuCacheKey(product.sku))).toMatchObject({ value: { productId: product.id } });
  });

  it('when 100 reads of a product that no level holds arrive at once, then the database is asked once and all get the same answer', async () => {
    harness.catalog.readCache.forgetLocally({ productIds: [product.id], lists: false });
    await harness.stateStore.delete(productCacheKey(product.id));
    const lookups = counter.lookups();
    const answers = await Promise.all(Array.from({ length: 100 }, () => harness.catalog.productQueries.readPublicProduct(product.id)));
    expect(counter.lookups() - lookups).toBe(1);
    expect(new Set(answers.map((answer) => answer?.etag)).size).toBe(1);
    expect(answers[0]?.productId).toBe(product.id);
  });

  it('when a product changes, then L2 holds a tombstone under its key, the list generation is new, and lists and the product show the change at once', async () => {
    const { body, etag } = await createProduct(harness, { sku: 'TWO-LEVEL-2', name: 'Layered Shade', brand: 'Stratum', price: { amount: 2500, currency: 'EUR' } });
    const search = async () => productPageSchema.parse((await harness.http.get('/api/catalog/products?brand=Stratum&sort=price').expect(200)).body);
    const before = await search();
    expect(before.items.find((item) => item.id === body.id)?.price.amount).toBe(2500);
    await read(body.id);
    const generation = (await harness.stateStore.get<string>(LIST_GENERATION_KEY))?.value;
    const searches = counter.searches();
    await search();
    expect(counter.searches()).toBe(searches);

    await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', `Bearer ${tokens.admin}`).set('If-Match', etag).send({ price: { amount: 2700, currency: 'EUR' } }).expect(200);
    expect((await harness.stateStore.get(productCacheKey(body.id)))?.value).toEqual({ tombstone: expect.any(String) });
    expect((await harness.stateStore.get<string>(LIST_GENERATION_KEY))?.value).not.toBe(generation);
    expect((await search()).items.find((item) => item.id === body.id)?.price.amount).toBe(2700);
    expect(counter.searches()).toBe(searches + 1);
    expect(productViewSchema.parse((await read(body.id)).body).price.amount).toBe(2700);
    // The tombstone stays: a read that loaded the old product before the change cannot put it back into L2.
    expect((await harness.stateStore.get(productCacheKey(body.id)))?.value).toEqual({ tombstone: expect.any(String) });
  });
});

/** A state store that has failed: every call rejects. */
const failingStore: StateStore = {
  get: () => Promise.reject(new Error('ECONNREFUSED')),
  save: () => Promise.reject(new Error('ECONNREFUSED')),
  delete: () => Promise.reject(new Error('ECONNREFUSED')),
  close: () => Promise.resolve(),
};

const signer = new AccessTokenSigner({ keys: [generateSigningKey()] });
const adminToken = signer.sign({ userId: 'admin-1', email: 'admin@example.com', roles: ['admin'] });
const verifier = new TokenVerifier({ jwks: new StaticJwks(signer.jwks()) });

describe('the read cache while its state store fails', () => {
  let db: Database;
  let seeding: CatalogHarness;
  let catalog: CatalogApp;
  let counter: ReturnType<typeof countingReads>;
  let product: AdminProduct;
  const eventBus = new InMemoryEventBus({ source: 'catalog' });

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    await migrateCatalog(db);
    seeding = await buildHarness(db);
    product = (await createProduct(seeding, { sku: 'NO-L2-1', name: 'Candle Without Redis' })).body;
    counter = countingReads(db);
    catalog = createCatalogApp({ db: counter.db, stateStore: failingStore, eventBus, verifier, logger: silentLogger });
  }, 60_000);

  afterAll(async () => {
    await catalog?.analytics.close();
    await eventBus.close();
    await seeding?.close();
    await db?.close();
  });

  it('when L2 fails, then reads and searches are answered from PostgreSQL, and L1 still spares the database the repeats', async () => {
    const http = request(catalog.app);
    const first = await http.get(`/api/catalog/products/${product.id}`).expect(200);
    expect(productViewSchema.parse(first.body).name).toBe('Candle Without Redis');
    const lookups = counter.lookups();
    expect((await http.get(`/api/catalog/products/${product.id}`).expect(200)).text).toBe(first.text);
    expect(counter.lookups()).toBe(lookups);
    const search = await http.get('/api/catalog/products?q=candle').expect(200);
    expect(productPageSchema.parse(search.body).items.map((item) => item.id)).toEqual([product.id]);
  });
});

describeWithBackend('redis', 'two catalog replicas sharing Redis (L2) and a Redis Streams broadcast bus', (redisUrl) => {
  const keyPrefix = `${uniqueTestTag('two-level')}:`;
  const streamPrefix = `${keyPrefix}events:`;
  let db: Database;
  const createdIds: string[] = [];
  const replicas: Array<{ catalog: CatalogApp; http: ReturnType<typeof request>; close: () => Promise<void> }> = [];

  async function startReplica(instanceId: string) {
    const stateStore = new RedisStateStore({ url: redisUrl, keyPrefix: `${keyPrefix}state:` });
    const eventBus = new InMemoryEventBus({ source: 'catalog' });
    const broadcastBus = new RedisStreamsEventBus({ url: redisUrl, source: 'catalog', streamPrefix, blockMs: 100 });
    const catalog = createCatalogApp({ db, stateStore, eventBus, broadcastBus, verifier, logger: silentLogger });
    subscribeCacheInvalidations(broadcastBus, catalog.readCache, broadcastSubscription('catalog', instanceId), silentLogger);
    await broadcastBus.start();
    const replica = {
      catalog,
      http: request(catalog.app),
      close: async () => {
        await catalog.analytics.close();
        await broadcastBus.close();
        await eventBus.close();
        await stateStore.close();
      },
    };
    replicas.push(replica);
    return replica;
  }

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    await migrateCatalog(db);
  }, 60_000);

  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    // The state the test left (list pages expire within the hour; the stream is trimmed and its groups are gone).
    const direct = new RedisStateStore({ url: redisUrl, keyPrefix: `${keyPrefix}state:` });
    const keys = [LIST_GENERATION_KEY, ...createdIds.map((id) => productCacheKey(id)), skuCacheKey('REPLICA-1')];
    await Promise.all(keys.map((key) => direct.delete(key)));
    await direct.close();
    await db?.close();
  });

  it('when an admin saves a new price on replica A, then replica B, which had the product and the list in its L1, shows the new price within a second', async () => {
    const a = await startReplica('a');
    const b = await startReplica('b');
    const created = await a.http.post('/api/catalog/products').set('Authorization', `Bearer ${adminToken}`).send({
      sku: 'REPLICA-1',
      name: 'Replicated Kettle',
      description: 'Boils on every replica',
      brand: 'Twin',
      price: { amount: 3900, currency: 'EUR' },
      status: 'active',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    createdIds.push(id);
    const priceOnB = async () => productViewSchema.parse((await b.http.get(`/api/catalog/products/${id}`).expect(200)).body).price.amount;
    const listPriceOnB = async () => productPageSchema.parse((await b.http.get('/api/catalog/products?brand=Twin').expect(200)).body).items[0]?.price.amount;
    expect(await priceOnB()).toBe(3900);
    expect(await listPriceOnB()).toBe(3900);
    // B answers from its L1 now (its TTL is 60 s): only the broadcast can make it show the change within a second.
    await a.http.patch(`/api/catalog/products/${id}`).set('Authorization', `Bearer ${adminToken}`).set('If-Match', created.headers.etag).send({ price: { amount: 4200, currency: 'EUR' } }).expect(200);
    await eventually(async () => (await priceOnB()) === 4200, 1000, 20);
    await eventually(async () => (await listPriceOnB()) === 4200, 1000, 20);
  });
});
