import { AppIds } from '@shop/contracts';
import { PgDatabase } from '@shop/postgres';
import { describeWithReplica, eventually, startTcpProxy, type TcpProxy } from '@shop/testing';
import { migrateCatalog } from '../src/composition';
import { buildHarness, createProduct, tokens, type CatalogHarness } from './catalog-harness';

/**
 * The catalog on a real primary (behind a TCP proxy the test cuts) and its real streaming replica: while the primary
 * is gone, the product page and the search answer from the replica, writes answer a fast 503, and nothing the replica
 * answered is cached.
 */
describeWithReplica('catalog reads while the primary is gone, from the streaming replica', (database) => {
  let proxy: TcpProxy;
  let db: PgDatabase;
  let harness: CatalogHarness;

  beforeAll(async () => {
    const primary = new URL(database().primaryUrl);
    proxy = await startTcpProxy({ host: primary.hostname, port: Number(primary.port || 5432) });
    db = new PgDatabase({
      url: proxy.urlFor(database().primaryUrl),
      readUrl: database().replicaUrl,
      schema: AppIds.catalog,
      acquireTimeoutMs: 300,
      statementTimeoutMs: 300,
      replicaLagCheckIntervalMs: 100,
    });
    await migrateCatalog(db);
    harness = await buildHarness(db);
  }, 60_000);

  afterAll(async () => {
    proxy?.resume();
    await harness?.close();
    await db?.close();
    await proxy?.close();
  });

  /** Waits until the replica has the product at this version (replication, not the cache). */
  const replicated = (id: string, version: number) =>
    eventually(async () => (await db.readQuery<{ version: number }>('SELECT version FROM products WHERE id = $1', [id])).rows[0]?.version === version, 10_000);

  it('when the primary refuses connections, then a product never read before answers 200 from the replica, the search too, an admin write is a fast 503, and the replica read is not cached', async () => {
    const { body: product } = await createProduct(harness, { sku: 'REPLICA-READ-1', name: 'Replica lantern' });
    await replicated(product.id, 1);
    const before = db.readPathStatus().reads;

    proxy.refuse();
    try {
      const read = await harness.http.get(`/api/catalog/products/${product.id}?market=eu&lang=en`).expect(200);
      expect(read.body).toMatchObject({ id: product.id, name: 'Replica lantern', version: 1 });
      const search = await harness.http.get('/api/catalog/products?q=lantern&market=eu&lang=en').expect(200);
      expect(search.body.items.map((item: { sku: string }) => item.sku)).toContain('REPLICA-READ-1');
      const startedAt = Date.now();
      const write = await harness.http.patch(`/api/catalog/products/${product.id}`).set('Authorization', `Bearer ${tokens.admin}`).set('If-Match', read.headers.etag).send({ name: 'Not saved' });
      expect(write.status).toBe(503);
      expect(write.headers['retry-after']).toBe('1');
      expect(write.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Date.now() - startedAt).toBeLessThan(1000);
      // The replica served them, and the metric's figures say so.
      expect(db.readPathStatus().reads.replica).toBeGreaterThan(before.replica);
    } finally {
      proxy.resume();
    }

    // Back: a change written on the primary behind the cache's back shows at the next read, so the replica's answer
    // was not kept (a kept one would hide it until the product's next change).
    // The breaker lets a trial call through two seconds after it opened.
    await eventually(async () => db.query('SELECT 1').then(() => true, () => false), 10_000, 100);
    await db.query("UPDATE products SET name = 'Renamed behind the cache' WHERE id = $1", [product.id]);
    const after = await harness.http.get(`/api/catalog/products/${product.id}?market=eu&lang=en`).expect(200);
    expect(after.body.name).toBe('Renamed behind the cache');
  }, 60_000);
});
