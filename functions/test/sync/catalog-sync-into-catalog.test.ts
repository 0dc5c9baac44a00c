import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessTokenSigner, StaticJwks, TokenVerifier, generateSigningKey } from '@shop/auth-tokens';
import { InMemoryBroker, InMemoryEventBus } from '@shop/building-blocks';
import { loadCatalogConfig, startCatalogService } from '@shop/catalog';
import { AppIds } from '@shop/contracts';
import { createLogger, type RunningServer } from '@shop/platform';
import { createEmbeddedBuildingBlocks } from '@shop/service-runtime';
import { eventually } from '@shop/testing';
import { HttpCatalogSyncRuns } from '../../src/sync/catalog-sync-runs';
import { runCatalogSync } from '../../src/sync/run-catalog-sync';
import { EventBusBatchPublisher } from '../../src/sync/sync-batch-publisher';
import { createProductSource } from '../../src/sync/sync-runtime';
import { loadSyncSettings } from '../../src/sync/sync-settings';
import { SupplierStandIn, dummyProduct } from './supplier-stand-in';

/**
 * The external catalog sync of the Functions app against the REAL catalog service: supplier stand-in → sync →
 * catalog-sync topic (the in-memory broker standing in for Service Bus) → catalog's subscription and bulk upsert,
 * with the run opened and finished over catalog's internal API.
 */
describe('catalog sync, from a supplier to the catalog', () => {
  const logger = createLogger({ service: 'e2e', level: 'silent' });
  const signer = new AccessTokenSigner({ keys: [generateSigningKey()] });
  const admin = signer.sign({ userId: '00000000-0000-4000-8000-000000000001', email: 'admin@example.com', roles: ['customer', 'admin'] });
  const broker = new InMemoryBroker();
  const supplier = new SupplierStandIn();
  let dataDir: string;
  let catalog: RunningServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'e2e-sync-'));
    await supplier.start();
    catalog = await startCatalogService({
      config: loadCatalogConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir, SEED_DEMO_CATALOG: 'false', RESERVATION_SWEEP_INTERVAL_MS: '0' }),
      logger,
      blocks: createEmbeddedBuildingBlocks({ appId: AppIds.catalog, broker, serviceUrls: {} }),
      verifier: new TokenVerifier({ jwks: new StaticJwks(signer.jwks()) }),
    });
  }, 60_000);

  afterAll(async () => {
    await catalog?.stop();
    await supplier.stop();
    await broker.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function sync() {
    const settings = loadSyncSettings({
      SYNC_SOURCES: JSON.stringify([{ name: 'acme', kind: 'dummyjson', baseUrl: supplier.url, currency: 'EUR', pageSize: 10 }]),
      SYNC_TIMEOUT_MS: '2000',
      CATALOG_INTERNAL_URL: catalog.url,
    });
    const bus = new InMemoryEventBus({ source: AppIds.functions, broker });
    const summary = await runCatalogSync(
      { source: createProductSource(settings.SYNC_SOURCES[0], settings, {}), trigger: 'manual' },
      { catalog: new HttpCatalogSyncRuns({ catalogUrl: catalog.url }), publisher: new EventBusBatchPublisher(bus, { closeBus: true }), batchSize: 10 },
    );
    // Batches travel through the bus: wait until catalog has applied them and settled the run.
    const run = await eventually(async () => {
      const res = await fetch(`${catalog.url}/api/catalog/sync-runs/${summary.runId}`, { headers: { authorization: `Bearer ${admin}` } });
      const body = (await res.json()) as { status: string };
      return body.status !== 'running' ? body : undefined;
    }, 20_000);
    return { summary, run: run as Record<string, unknown> };
  }

  async function adminProducts(): Promise<Array<{ externalId: string; status: string; price: { amount: number } }>> {
    const res = await fetch(`${catalog.url}/api/catalog/admin/products?limit=100`, { headers: { authorization: `Bearer ${admin}` } });
    return ((await res.json()) as { items: Array<{ externalId: string; status: string; price: { amount: number } }> }).items;
  }

  it('when a supplier lists products, then a complete run creates them; a second identical run changes nothing; a product gone from a complete run is archived', async () => {
    supplier.products = Array.from({ length: 25 }, (_, i) => dummyProduct(i + 1));
    supplier.products.push({ ...dummyProduct(99), price: -5 });

    const first = await sync();
    expect(first.run).toMatchObject({ status: 'succeeded', created: 25, updated: 0, unchanged: 0, archived: 0 });
    expect((first.run.rejected as unknown[]).length).toBeGreaterThanOrEqual(1);
    const created = await adminProducts();
    expect(created.filter((p) => p.status === 'active')).toHaveLength(25);

    const second = await sync();
    expect(second.run).toMatchObject({ status: 'succeeded', created: 0, updated: 0, unchanged: 25, archived: 0 });

    supplier.products = supplier.products.filter((product) => product.id !== 7);
    const third = await sync();
    expect(third.run).toMatchObject({ status: 'succeeded', unchanged: 24, archived: 1 });
    const after = await adminProducts();
    expect(after.find((p) => p.externalId === '7')?.status).toBe('archived');
    expect(after.filter((p) => p.status === 'active')).toHaveLength(24);
  }, 60_000);

  it('when a page keeps failing, then the run is partial and archives nothing', async () => {
    supplier.fault('skip=10', { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    supplier.products = supplier.products.slice(0, 5).concat(supplier.products.slice(10));
    const partial = await sync();
    expect(partial.summary.complete).toBe(false);
    expect(partial.run).toMatchObject({ status: 'partial', archived: 0 });
    expect((await adminProducts()).filter((p) => p.status === 'archived')).toHaveLength(1);
  }, 60_000);
});
