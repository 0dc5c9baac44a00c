import request from 'supertest';
import { InMemoryBroker } from '@shop/building-blocks';
import { AccessTokenSigner, StaticJwks, TokenVerifier, generateSigningKey } from '@shop/auth-tokens';
import { AppIds } from '@shop/contracts';
import { createLogger, type RunningServer } from '@shop/platform';
import type { Database } from '@shop/postgres';
import { createEmbeddedBuildingBlocks } from '@shop/service-runtime';
import { describeEachDatabase, eventually } from '@shop/testing';
import { startCatalogService } from '../src/composition';
import { loadCatalogConfig } from '../src/config';
import { catalogDatabases } from './catalog-harness';

const logger = createLogger({ service: 'catalog-test', level: 'silent' });
const signer = new AccessTokenSigner({ keys: [generateSigningKey()] });
const admin = `Bearer ${signer.sign({ userId: 'admin-1', email: 'admin@example.com', roles: ['admin'] })}`;

/**
 * Two regions' catalogs on one database (the primary) and one event bus (Service Bus), each with its caches of its
 * own (its region's Redis; here each process's own state store): a change saved in one region shows in the other's
 * product page and search within seconds, though the other's L2 held the old representation for a day.
 */
describeEachDatabase<Database>('catalog caches in two regions', catalogDatabases, (getDb) => {
  const broker = new InMemoryBroker();
  const regions: Record<string, RunningServer> = {};

  /** A catalog process of `region` (its own state store: its caches), on the shared database and broker. */
  async function startRegion(region: string): Promise<RunningServer> {
    const config = { ...loadCatalogConfig({ HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEED_DEMO_CATALOG: 'false', OUTBOX_POLL_INTERVAL_MS: '50', RESERVATION_SWEEP_INTERVAL_MS: '0' }), PORT: 0 };
    const blocks = { ...createEmbeddedBuildingBlocks({ appId: AppIds.catalog, broker, serviceUrls: {} }), region };
    return startCatalogService({ config, logger, blocks, db: getDb(), verifier: new TokenVerifier({ jwks: new StaticJwks(signer.jwks()) }) });
  }

  afterAll(async () => {
    for (const running of Object.values(regions)) await running.stop();
  });

  it(
    'when an admin renames and reprices a product in one region, then the other region\'s product page and search show it within seconds (each region subscribed once, by REGION)',
    async () => {
      // Without REGION the east would keep the old page: its L2 hears of changes committed in the west only this way.
      regions.west = await startRegion('west');
      regions.east = await startRegion('east');
      const marker = `Regional${Date.now().toString(36)}`;
      const created = await request(regions.west.url).post('/api/catalog/products').set('Authorization', admin).send({ sku: `REG-${Date.now()}`, name: `${marker} lamp`, price: { amount: 2000, currency: 'EUR' }, status: 'active' });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      // East reads it (and caches it in its L2, for a day by default) and searches for it (its list cache).
      await eventually(async () => (await request(regions.east.url).get(`/api/catalog/products/${id}`)).status === 200, 5000);
      expect((await request(regions.east.url).get(`/api/catalog/products/${id}`)).body).toMatchObject({ name: `${marker} lamp`, price: { amount: 2000 } });
      await eventually(async () => (await request(regions.east.url).get(`/api/catalog/products?q=${marker}`)).body.items?.length === 1, 5000);

      const patched = await request(regions.west.url).patch(`/api/catalog/products/${id}`).set('Authorization', admin).set('If-Match', created.headers.etag).send({ name: `${marker} lantern`, price: { amount: 2500, currency: 'EUR' } });
      expect(patched.status).toBe(200);

      const seenInEast = await eventually(async () => {
        const page = await request(regions.east.url).get(`/api/catalog/products/${id}`);
        return page.body.name === `${marker} lantern` && page.body;
      }, 5000, 50);
      expect(seenInEast).toMatchObject({ price: { amount: 2500, currency: 'EUR' } });
      const search = await request(regions.east.url).get(`/api/catalog/products?q=${marker}`).expect(200);
      expect(search.body.items.map((item: { name: string }) => item.name)).toEqual([`${marker} lantern`]);
    },
    30_000,
  );
});
