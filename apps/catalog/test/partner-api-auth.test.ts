import request from 'supertest';
import { HttpServiceInvoker, InMemoryBroker, InMemoryEventBus, InMemoryRateLimiter, InMemoryStateStore, RedisStreamsEventBus, broadcastSubscription, type EventBus } from '@shop/building-blocks';
import { AppIds, issuedApiKeySchema, partnerUsageSchema } from '@shop/contracts';
import { StaticJwks, TokenVerifier, generateSigningKey } from '@shop/auth-tokens';
import { createLogger, createServiceMetrics } from '@shop/platform';
import { PgliteDatabase } from '@shop/postgres';
import { describeWithBackend, eventually, uniqueTestTag } from '@shop/testing';
import { loadAuthConfig, migrateAuthDatabase, startAuthService, type RunningAuthService } from '@shop/auth';
import { createCatalogApp, migrateCatalog, type CatalogApp } from '../src/composition';
import { AuthApiKeyVerifier, CachingApiKeyVerifier } from '../src/data/api-key-verifier';
import { subscribeApiKeyChanges } from '../src/events/api-key-verifier.subscriptions';

// The partner API in front of the real auth service: keys issued by its admin API, verified through its internal
// route with the app API token, revoked through its admin API with the event reaching both catalog replicas.

const logger = createLogger({ service: 'catalog-partner-auth-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const base = '/api/partner/v1';
const appApiToken = 'partner-test-app-api-token-0123456789abcdef';
const adminEmail = 'partner.admin@example.com';
const adminPassword = 'a long admin passphrase';

/** The real auth service on `db` with a bootstrapped admin, its broadcasts on `broadcastBus`; and the admin's token. */
async function startAuthWithAdmin(db: PgliteDatabase, eventBus: EventBus, broadcastBus?: EventBus): Promise<{ auth: RunningAuthService; adminToken: string }> {
  const auth = await startAuthService({
    config: {
      // A low scrypt cost: the admin's sign-in is not what this test is about.
      ...loadAuthConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PASSWORD_HASH_COST: '1024', ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword, APP_API_TOKEN: appApiToken }),
      PORT: 0,
      HOST: '127.0.0.1',
      AUTH_SIGNING_KEYS: [generateSigningKey()],
    },
    logger,
    blocks: { stateStore: new InMemoryStateStore(), eventBus, broadcastBus },
    db,
    metrics: createServiceMetrics(AppIds.auth, { collectProcessMetrics: false }),
  });
  const adminToken = (await request(auth.url).post('/api/auth/login').send({ email: adminEmail, password: adminPassword }).expect(200)).body.accessToken as string;
  return { auth, adminToken };
}

/** A catalog replica verifying keys with `auth`, its key cache subscribed to changes on `broadcastBus` as `instanceId`. */
async function startCatalogReplica(db: PgliteDatabase, auth: RunningAuthService, broadcastBus: EventBus, instanceId: string): Promise<CatalogApp> {
  const apiKeys = new CachingApiKeyVerifier(
    new AuthApiKeyVerifier({ invoker: new HttpServiceInvoker({ services: { [AppIds.auth]: auth.url }, callerAppId: AppIds.catalog }), authAppId: AppIds.auth, appApiToken }),
    // Far longer than the tests: only the event can make a replica forget a key.
    { positiveTtlMs: 300_000 },
  );
  subscribeApiKeyChanges(broadcastBus, apiKeys, broadcastSubscription(AppIds.catalog, instanceId), logger);
  await broadcastBus.start();
  return createCatalogApp({
    db,
    stateStore: new InMemoryStateStore(),
    eventBus: new InMemoryEventBus({ source: AppIds.catalog }),
    broadcastBus,
    verifier: new TokenVerifier({ jwks: new StaticJwks({ keys: [] }) }),
    logger,
    metrics: createServiceMetrics(AppIds.catalog, { collectProcessMetrics: false }),
    apiKeys,
    rateLimiter: new InMemoryRateLimiter(),
  });
}

describe('catalog partner API verifying keys with the real auth service', () => {
  let authDb: PgliteDatabase;
  let catalogDb: PgliteDatabase;
  let broker: InMemoryBroker;
  let authBus: InMemoryEventBus;
  let auth: RunningAuthService;
  let adminToken: string;
  const replicas: Array<{ bus: InMemoryEventBus; catalog: CatalogApp }> = [];

  beforeAll(async () => {
    [authDb, catalogDb] = await Promise.all([PgliteDatabase.open(), PgliteDatabase.open()]);
    await Promise.all([migrateAuthDatabase(authDb), migrateCatalog(catalogDb)]);
    broker = new InMemoryBroker();
    authBus = new InMemoryEventBus({ source: AppIds.auth, broker });
    ({ auth, adminToken } = await startAuthWithAdmin(authDb, authBus));
    for (const instanceId of ['catalog-a', 'catalog-b']) {
      const bus = new InMemoryEventBus({ source: AppIds.catalog, broker });
      replicas.push({ bus, catalog: await startCatalogReplica(catalogDb, auth, bus, instanceId) });
    }
  }, 60_000);

  afterAll(async () => {
    await auth?.stop();
    await Promise.all(replicas.map((replica) => replica.bus.close()));
    await authBus?.close();
    await broker?.close();
    await Promise.all([authDb?.close(), catalogDb?.close()]);
  });

  const issueKey = async (tier: string, scopes: string[]) =>
    issuedApiKeySchema.parse((await request(auth.url).post('/api/admin/api-keys').set('Authorization', `Bearer ${adminToken}`).send({ name: 'Price comparison', tier, scopes }).expect(201)).body);

  it('when an admin issues a key, then both replicas let it in with its tier and scopes; a scope it lacks is 403', async () => {
    const issued = await issueKey('standard', ['catalog:read']);
    for (const { catalog } of replicas) {
      const usage = partnerUsageSchema.parse((await request(catalog.app).get(`${base}/usage`).set('X-API-Key', issued.key).expect(200)).body);
      expect(usage).toMatchObject({ keyId: issued.id, tier: 'standard', limitPerMinute: 600 });
      const history = await request(catalog.app).get(`${base}/products/${issued.id}/history?from=2024-01-01T00:00:00Z&to=2024-01-02T00:00:00Z`).set('X-API-Key', issued.key);
      expect(history.status).toBe(403);
    }
  });

  it('when a key is unknown to auth, then 401; when auth is asked without the app token, then it refuses', async () => {
    const unknown = `shp_${'A'.repeat(43)}`;
    const response = await request(replicas[0].catalog.app).get(`${base}/usage`).set('Authorization', `Bearer ${unknown}`);
    expect(response.status).toBe(401);
    expect(response.body.detail).toBe('The API key is invalid');
    const issued = await issueKey('free', ['catalog:read']);
    await request(auth.url).post('/internal/auth/api-keys/verify').send({ key: issued.key }).expect(401);
  });

  it('when an admin revokes a cached key, then the next request is 401 on both replicas', async () => {
    const issued = await issueKey('free', ['catalog:read']);
    for (const { catalog } of replicas) await request(catalog.app).get(`${base}/usage`).set('X-API-Key', issued.key).expect(200);
    await request(auth.url).delete(`/api/admin/api-keys/${issued.id}`).set('Authorization', `Bearer ${adminToken}`).expect((response) => expect(response.status).toBeLessThan(300));
    await eventually(async () => {
      const statuses = await Promise.all(replicas.map(async ({ catalog }) => (await request(catalog.app).get(`${base}/usage`).set('X-API-Key', issued.key)).status));
      return statuses.every((status) => status === 401);
    }, 5000);
  });
});

describeWithBackend('redis', 'a partner key revoked in auth, with the event on a Redis Streams broadcast bus, as between pods', (redisUrl) => {
  const streamPrefix = `${uniqueTestTag('partner-revocation')}:events:`;
  let authDb: PgliteDatabase;
  let catalogDb: PgliteDatabase;
  let auth: RunningAuthService;
  let adminToken: string;
  const buses: EventBus[] = [];
  const catalogs: CatalogApp[] = [];
  /** Each party on its own connections, as each pod has: only Redis joins them. */
  const redisBus = (source: string) => {
    const bus = new RedisStreamsEventBus({ url: redisUrl, source, streamPrefix, blockMs: 100 });
    buses.push(bus);
    return bus;
  };

  beforeAll(async () => {
    [authDb, catalogDb] = await Promise.all([PgliteDatabase.open(), PgliteDatabase.open()]);
    await Promise.all([migrateAuthDatabase(authDb), migrateCatalog(catalogDb)]);
    ({ auth, adminToken } = await startAuthWithAdmin(authDb, new InMemoryEventBus({ source: AppIds.auth }), redisBus(AppIds.auth)));
    for (const instanceId of ['catalog-pod-a', 'catalog-pod-b']) catalogs.push(await startCatalogReplica(catalogDb, auth, redisBus(AppIds.catalog), instanceId));
  }, 60_000);

  afterAll(async () => {
    await auth?.stop();
    await Promise.all(buses.map((bus) => bus.close()));
    await Promise.all([authDb?.close(), catalogDb?.close()]);
  });

  it('when an admin revokes a key both pods have cached, then the next request is 401 on both within a second; a rotated key keeps its grace', async () => {
    const issue = async () =>
      issuedApiKeySchema.parse((await request(auth.url).post('/api/admin/api-keys').set('Authorization', `Bearer ${adminToken}`).send({ name: 'Affiliate tool', tier: 'free', scopes: ['catalog:read'] }).expect(201)).body);
    const statuses = (key: string) => Promise.all(catalogs.map(async (catalog) => (await request(catalog.app).get(`${base}/usage`).set('X-API-Key', key)).status));
    const revoked = await issue();
    const rotated = await issue();
    expect(await statuses(revoked.key)).toEqual([200, 200]);
    expect(await statuses(rotated.key)).toEqual([200, 200]);

    await request(auth.url).delete(`/api/admin/api-keys/${revoked.id}`).set('Authorization', `Bearer ${adminToken}`).expect(204);
    await eventually(async () => (await statuses(revoked.key)).every((status) => status === 401), 1000, 20);

    const replacement = issuedApiKeySchema.parse((await request(auth.url).post(`/api/admin/api-keys/${rotated.id}/rotate`).set('Authorization', `Bearer ${adminToken}`).expect(201)).body);
    expect(await statuses(replacement.key)).toEqual([200, 200]);
    expect(await statuses(rotated.key)).toEqual([200, 200]);
  });
});
