import pg from 'pg';
import { AppIds } from '@shop/contracts';
import { PgDatabase } from '@shop/postgres';
import { describeWithReplica, eventually } from '@shop/testing';
import { migrateCatalog } from '../src/composition';
import { buildHarness, createProduct, type CatalogHarness } from './catalog-harness';

/**
 * The catalog on a real primary and its real streaming replica whose replay the test pauses: once the replica is
 * further behind than its bound, searches answer from the primary (with what the replica has not replayed yet), the
 * product page from the cache or the primary, and the read counts say why.
 */
describeWithReplica('catalog reads while the streaming replica lags behind its bound', (database) => {
  let db: PgDatabase;
  let replica: pg.Client;
  let harness: CatalogHarness;

  beforeAll(async () => {
    // A tight bound and a quick measurement, so that a paused replay is out of the read path within a few seconds.
    db = new PgDatabase({ url: database().primaryUrl, readUrl: database().replicaUrl, schema: AppIds.catalog, maxReplicaLagSeconds: 1, replicaLagCheckIntervalMs: 100 });
    await migrateCatalog(db);
    harness = await buildHarness(db);
    replica = new pg.Client({ connectionString: database().replicaUrl });
    replica.on('error', () => undefined);
    await replica.connect();
  }, 60_000);

  afterAll(async () => {
    // Replay is paused for the whole server: never leave it so for the suites that come next.
    await replica?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
    await replica?.end();
    await harness?.close();
    await db?.close();
  });

  it('when the replica\'s replay is paused and it falls behind, then a search finds a product written since (from the primary), the product page answers, and the reads count replica_lagging until it catches up', async () => {
    const marker = `Lagtest${Date.now().toString(36)}`;
    const { body: first } = await createProduct(harness, { sku: `LAG-1-${Date.now()}`, name: `${marker} kettle` });
    await harness.http.get(`/api/catalog/products/${first.id}?market=eu&lang=en`).expect(200);
    try {
      await replica.query('SELECT pg_wal_replay_pause()');
      const { body: second } = await createProduct(harness, { sku: `LAG-2-${Date.now()}`, name: `${marker} teapot` });
      await eventually(async () => !db.readPathStatus().replicaInReadPath, 15_000, 50);
      const before = db.readPathStatus().reads['primary:replica_lagging'];
      const search = await harness.http.get(`/api/catalog/products?q=${marker}&market=eu&lang=en`).expect(200);
      // The paused replica has not replayed the teapot: only the primary can have found it.
      expect(search.body.items.map((item: { id: string }) => item.id).sort()).toEqual([first.id, second.id].sort());
      expect(db.readPathStatus().reads['primary:replica_lagging']).toBeGreaterThan(before);
      expect(db.readPathStatus().replicaLagSeconds).toBeGreaterThan(1);
      await harness.http.get(`/api/catalog/products/${first.id}?market=eu&lang=en`).expect(200);
      await harness.http.get(`/api/catalog/products/${second.id}?market=eu&lang=en`).expect(200);
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()');
    }
    await eventually(async () => db.readPathStatus().replicaInReadPath, 15_000, 50);
  }, 60_000);
});
