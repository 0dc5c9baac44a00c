import { randomUUID } from 'node:crypto';
import { AccessTokenSigner, StaticJwks, TokenVerifier, generateSigningKey } from '@shop/auth-tokens';
import { InMemoryBroker } from '@shop/building-blocks';
import { AppIds } from '@shop/contracts';
import { createLogger, type RunningServer } from '@shop/platform';
import { PgDatabase, createThrowawayDatabase, type ThrowawayDatabase } from '@shop/postgres';
import { createEmbeddedBuildingBlocks } from '@shop/service-runtime';
import { describeWithBackend, eventually, startTcpProxy, timedCall, type TcpProxy, type TimedAnswer } from '@shop/testing';
import { migrateCatalog, startCatalogService } from '../src/composition';
import { loadCatalogConfig } from '../src/config';
import { productBody } from './catalog-harness';

const signer = new AccessTokenSigner({ keys: [generateSigningKey()] });
const adminToken = signer.sign({ userId: 'admin-1', email: 'admin@example.com', roles: ['admin'] });

describeWithBackend('postgres', 'catalog service while PostgreSQL is down', (serverUrl) => {
  const tag = randomUUID().slice(0, 8);
  let throwaway: ThrowawayDatabase;
  let proxy: TcpProxy;
  let broker: InMemoryBroker;
  let service: RunningServer;
  let productId: string;

  const call = (method: string, path: string, body?: unknown): Promise<TimedAnswer> =>
    timedCall(service.url, method, path, { body, headers: { authorization: `Bearer ${adminToken}` } });

  const createProduct = () => call('POST', '/api/catalog/products', productBody({ name: `Outage Lantern ${tag}` }));
  // A search is never cached: it reads PostgreSQL every time.
  const search = () => call('GET', `/api/catalog/products?q=${tag}`);

  function expectUnavailable(answer: TimedAnswer): void {
    expect(answer.status).toBe(503);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.retryAfter).toBe('1');
    expect(answer.body).toMatchObject({ status: 503, detail: 'The database is unavailable; try again shortly' });
  }

  async function expectNotReadyNamingTheDatabase(): Promise<void> {
    const ready = await call('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.ms).toBeLessThan(1500);
    expect(ready.body.checks).toEqual(
      expect.arrayContaining([
        { name: 'database', ok: false, error: expect.stringMatching(/^PostgreSQL primary did not answer: /) },
        expect.objectContaining({ name: 'state-store', ok: true }),
      ]),
    );
    expect((await call('GET', '/healthz')).status).toBe(200);
  }

  async function expectRecoveryWithin10s(): Promise<void> {
    const resumedAt = Date.now();
    await eventually(async () => (await search()).status === 200, 10_000, 100);
    expect(Date.now() - resumedAt).toBeLessThan(10_000);
    expect((await createProduct()).status).toBe(201);
    expect((await call('GET', '/readyz')).status).toBe(200);
  }

  beforeAll(async () => {
    throwaway = await createThrowawayDatabase(serverUrl, 'catalog_outage');
    // The schema the service keeps its tables in (its app id), so that what is set up here is what it reads.
    const direct = new PgDatabase({ url: throwaway.url, schema: AppIds.catalog });
    try {
      await migrateCatalog(direct);
    } finally {
      await direct.close();
    }
    const target = new URL(throwaway.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    broker = new InMemoryBroker();
    service = await startCatalogService({
      // Small timeouts through the settings, so that the stalled case ends soon (defaults: 5000 ms and 1000 ms).
      config: loadCatalogConfig({
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        DATABASE_URL: proxy.urlFor(throwaway.url),
        DATABASE_STATEMENT_TIMEOUT_MS: '300',
        DATABASE_ACQUIRE_TIMEOUT_MS: '300',
        SEED_DEMO_CATALOG: 'false',
        // Every search here must reach the database; cached search pages are search-page-cache.test.ts.
        LIST_CACHE_TTL_SECONDS: '0',
      }),
      logger: createLogger({ service: 'catalog-outage-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      blocks: createEmbeddedBuildingBlocks({ appId: AppIds.catalog, broker, serviceUrls: {} }),
      verifier: new TokenVerifier({ jwks: new StaticJwks(signer.jwks()) }),
    });
    const created = await createProduct();
    expect(created.status).toBe(201);
    productId = created.body.id;
  }, 60_000);

  afterAll(async () => {
    proxy?.resume();
    await service?.stop();
    await broker?.close();
    await proxy?.close();
    await throwaway?.drop();
  });

  beforeEach(async () => {
    proxy.resume();
    await eventually(async () => (await search()).status === 200, 10_000, 100);
  });

  it('when PostgreSQL refuses connections, then admin writes and searches answer 503 problem+json with Retry-After: 1 in under 1 s each, /readyz is 503 naming the database, /healthz 200, a cached product is still read, and within 10 s of its return both work again', async () => {
    // Read once while healthy, so that the product's representation is in the cache.
    expect((await call('GET', `/api/catalog/products/${productId}`)).status).toBe(200);
    proxy.refuse();
    const answers: TimedAnswer[] = [];
    for (let round = 0; round < 4; round += 1) answers.push(await createProduct(), await search());
    for (const answer of answers) {
      expectUnavailable(answer);
      expect(answer.ms).toBeLessThan(1000);
    }
    await expectNotReadyNamingTheDatabase();
    // What the cache holds is still served.
    const cached = await call('GET', `/api/catalog/products/${productId}`);
    expect(cached.status).toBe(200);
    expect(cached.ms).toBeLessThan(1000);

    proxy.resume();
    await expectRecoveryWithin10s();
  });

  it('when PostgreSQL stalls (no answer, no reset), then the first requests end within the timeouts, each answer after the breaker opened comes in under 1 s, and the service recovers once it answers again', async () => {
    proxy.pause();
    const answers: TimedAnswer[] = [];
    for (let round = 0; round < 5; round += 1) answers.push(await search(), await createProduct());
    for (const answer of answers) expectUnavailable(answer);
    for (const answer of answers.slice(0, 3)) expect(answer.ms).toBeLessThan(2000);
    for (const answer of answers.slice(3)) expect(answer.ms).toBeLessThan(1000);
    await expectNotReadyNamingTheDatabase();

    proxy.resume();
    await expectRecoveryWithin10s();
  });
});
