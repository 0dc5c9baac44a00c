import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { HttpServiceInvoker, InMemoryBroker, InMemoryEventBus, InMemoryRateLimiter, InMemoryStateStore, RedisRateLimiter, broadcastSubscription, type RateLimiter } from '@shop/building-blocks';
import { AppIds, AuditActions, EventTypes, Topics, partnerProductPageSchema, partnerUsageSchema, productViewSchema, type ApiKeyScope, type ApiKeyTier, type PartnerProductPage, type VerifiedApiKey } from '@shop/contracts';
import type { AuditRecord } from '@shop/kernel';
import { TokenVerifier, StaticJwks } from '@shop/auth-tokens';
import { createLogger, createServiceMetrics } from '@shop/platform';
import { PgliteDatabase, type Database } from '@shop/postgres';
import { describeEachDatabase, describeWithBackend, eventually, uniqueTestTag } from '@shop/testing';
import { documentProblems } from '../../../packages/api-docs/test/openapi-checks';
import { createCatalogApp, migrateCatalog, type CatalogApp } from '../src/composition';
import { AuthApiKeyVerifier, CachingApiKeyVerifier } from '../src/data/api-key-verifier';
import type { ApiKeyVerifier } from '../src/domain/api-key-verifier';
import { subscribeApiKeyChanges } from '../src/events/api-key-verifier.subscriptions';
import { demoCatalogBatch } from '../src/jobs/demo-catalog.seed';
import { buildHarness, catalogDatabases, createProduct, tokens, type CatalogHarness } from './catalog-harness';

const logger = createLogger({ service: 'catalog-partner-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const base = '/api/partner/v1';

/** Keys issued in process, as auth would answer for them; counts how often it is asked. */
class InProcessApiKeys implements ApiKeyVerifier {
  private readonly keys = new Map<string, VerifiedApiKey>();
  calls = 0;

  issue(tier: ApiKeyTier, scopes: ApiKeyScope[] = ['catalog:read', 'insights:read']): { key: string; keyId: string } {
    const key = `shp_${randomBytes(32).toString('base64url')}`;
    const keyId = randomUUID();
    this.keys.set(key, { keyId, tier, scopes, validUntil: null });
    return { key, keyId };
  }

  revoke(key: string): void {
    this.keys.delete(key);
  }

  verify(key: string): Promise<VerifiedApiKey | undefined> {
    this.calls += 1;
    return Promise.resolve(this.keys.get(key));
  }
}

/** A database that counts the statements the app sends, to prove that a refused request reads nothing. */
function countingDatabase(db: Database): { db: Database; statements: () => number } {
  let statements = 0;
  const counted: Database = {
    kind: db.kind,
    schema: db.schema,
    query: (sql, params) => {
      statements += 1;
      return db.query(sql, params);
    },
    readQuery: (sql, params) => {
      statements += 1;
      return db.readQuery(sql, params);
    },
    transaction: (work, options) => {
      statements += 1;
      return db.transaction(work, options);
    },
    exec: (script) => db.exec(script),
    ping: () => db.ping(),
    close: () => db.close(),
  };
  return { db: counted, statements: () => statements };
}

/** A catalog app with the partner API on: in-process keys, the given limiter, a recorder of audit entries. */
function partnerCatalog(db: Database, options: { apiKeys?: ApiKeyVerifier; rateLimiter?: RateLimiter; eventBus?: InMemoryEventBus } = {}): { catalog: CatalogApp; audited: AuditRecord[] } {
  const audited: AuditRecord[] = [];
  const catalog = createCatalogApp({
    db,
    stateStore: new InMemoryStateStore(),
    eventBus: options.eventBus ?? new InMemoryEventBus({ source: 'catalog' }),
    verifier: new TokenVerifier({ jwks: new StaticJwks({ keys: [] }) }),
    logger,
    metrics: createServiceMetrics('catalog', { collectProcessMetrics: false }),
    apiKeys: options.apiKeys,
    rateLimiter: options.rateLimiter,
    audit: { record: (entry) => void audited.push(entry) },
  });
  return { catalog, audited };
}

/** Listens on a loopback port, so that a hundred requests at once are a hundred connections. */
async function listening(catalog: CatalogApp): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(catalog.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const rateLimitHeaderNames = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'];

function expectRateLimitHeaders(response: request.Response, limit: number): void {
  expect(response.headers['ratelimit-limit']).toBe(String(limit));
  expect(Number(response.headers['ratelimit-remaining'])).toBeGreaterThanOrEqual(0);
  expect(Number(response.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
}

function expectProblem(response: request.Response, status: number, type: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: `urn:shop:problem:${type}`, status });
}

describeEachDatabase<Database>('catalog partner API', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;
  let keys: InProcessApiKeys;
  let counting: ReturnType<typeof countingDatabase>;
  let app: ReturnType<typeof partnerCatalog>;
  let http: ReturnType<typeof request>;
  let activeIds: string[];
  let limiter: InMemoryRateLimiter;

  beforeAll(async () => {
    harness = await buildHarness(getDb());
    const report = await harness.catalog.catalogSync.bulkUpsertProducts({ actor: { kind: 'system', name: 'test' } }, demoCatalogBatch(60));
    if (report === 'duplicate' || report.rejected.length > 0) throw new Error(`demo seed failed: ${JSON.stringify(report)}`);
    // Products that changed in the same microsecond: the feed's keyset must neither repeat nor skip any of them.
    await getDb().query(`UPDATE products SET updated_at = '2024-03-01T10:00:00.123456Z' WHERE id IN (SELECT id FROM products WHERE status = 'active' ORDER BY sku LIMIT 9)`);
    await getDb().query(`UPDATE products SET updated_at = '2024-03-01T10:00:00.123457Z' WHERE id IN (SELECT id FROM products WHERE status = 'active' ORDER BY sku DESC LIMIT 4)`);
    const { rows } = await getDb().query<{ id: string }>("SELECT id FROM products WHERE status = 'active'");
    activeIds = rows.map((row) => row.id);
    keys = new InProcessApiKeys();
    counting = countingDatabase(getDb());
    limiter = new InMemoryRateLimiter();
    app = partnerCatalog(counting.db, { apiKeys: keys, rateLimiter: limiter });
    http = request(app.catalog.app);
  }, 60_000);
  afterAll(() => harness?.close());

  async function feedPage(key: string, query: string): Promise<PartnerProductPage> {
    const response = await http.get(`${base}/products?${query}`).set('X-API-Key', key);
    if (response.status !== 200) throw new Error(`${query}: ${response.status} ${JSON.stringify(response.body)}`);
    return partnerProductPageSchema.parse(response.body);
  }

  async function walkFeed(key: string, query: string): Promise<PartnerProductPage['items']> {
    const items: PartnerProductPage['items'] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages === 0 || cursor; pages += 1) {
      if (pages > 100) throw new Error('the feed does not end');
      const page: PartnerProductPage = await feedPage(key, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    }
    return items;
  }

  describe('when the key is missing or not valid', () => {
    it('when no key is sent, then 401 problem with WWW-Authenticate, no limit headers, and auth is not asked', async () => {
      const before = keys.calls;
      const response = await http.get(`${base}/products`);
      expectProblem(response, 401, 'unauthorized');
      expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="partner-api"/);
      for (const name of rateLimitHeaderNames) expect(response.headers[name]).toBeUndefined();
      expect(keys.calls).toBe(before);
    });

    it('when the key is malformed or is a user JWT, then 401 "The API key is invalid" without asking auth', async () => {
      const before = keys.calls;
      for (const response of [
        await http.get(`${base}/products`).set('X-API-Key', 'hello'),
        await http.get(`${base}/products`).set('Authorization', `Bearer ${tokens.admin}`),
        await http.get(`${base}/products`).set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`),
        await http.get(`${base}/products`).set('X-API-Key', `shp_${'a'.repeat(42)}`),
      ]) {
        expectProblem(response, 401, 'unauthorized');
        expect(response.body.detail).toBe('The API key is invalid');
        expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
      }
      expect(keys.calls).toBe(before);
    });

    it('when a well-formed key is unknown or revoked, then the same 401 as any invalid key', async () => {
      const unknown = await http.get(`${base}/products`).set('X-API-Key', `shp_${randomBytes(32).toString('base64url')}`);
      const { key } = keys.issue('free');
      expect((await http.get(`${base}/usage`).set('Authorization', `Bearer ${key}`)).status).toBe(200);
      keys.revoke(key);
      const revoked = await http.get(`${base}/usage`).set('Authorization', `Bearer ${key}`);
      for (const response of [unknown, revoked]) {
        expectProblem(response, 401, 'unauthorized');
        expect(response.body.detail).toBe('The API key is invalid');
        expect(Object.keys(response.body).sort()).toEqual(['detail', 'instance', 'requestId', 'status', 'title', 'type']);
      }
    });

    it('when the key lacks the route\'s scope, then 403 and the request is not counted', async () => {
      const { key } = keys.issue('free', ['insights:read']);
      const response = await http.get(`${base}/products`).set('X-API-Key', key);
      expectProblem(response, 403, 'forbidden');
      expect(response.body.detail).toContain('catalog:read');
      const usage = partnerUsageSchema.parse((await http.get(`${base}/usage`).set('X-API-Key', key).expect(200)).body);
      expect(usage).toMatchObject({ requestsToday: 1, rejectedToday: 0 });
    });
  });

  describe('when a valid key reads', () => {
    it('when the feed is followed to its end, then every active product comes exactly once, in (updatedAt, id) order', async () => {
      const { key } = keys.issue('premium');
      const items = await walkFeed(key, 'limit=4');
      // The database's own order, microseconds included (the JSON's updatedAt has milliseconds only).
      const { rows } = await getDb().query<{ id: string }>("SELECT id FROM products WHERE status = 'active' ORDER BY updated_at, id");
      expect(items.map((item) => item.id)).toEqual(rows.map((row) => row.id));
      expect(new Set(items.map((item) => item.id)).size).toBe(activeIds.length);
      expect(items.every((item) => item.status === 'active')).toBe(true);
    });

    it('when filtered by a category, then exactly its active products and those of its subcategories come', async () => {
      const { key } = keys.issue('premium');
      const { rows: roots } = await getDb().query<{ slug: string; id: string }>(
        'SELECT c.slug, c.id FROM categories c WHERE c.parent_id IS NULL AND EXISTS (SELECT 1 FROM categories child WHERE child.parent_id = c.id) ORDER BY c.slug LIMIT 1',
      );
      const root = roots[0];
      const { rows } = await getDb().query<{ id: string }>(
        `WITH RECURSIVE subtree AS (SELECT id FROM categories WHERE id = $1 UNION ALL SELECT child.id FROM categories child JOIN subtree ON child.parent_id = subtree.id)
         SELECT p.id FROM products p WHERE p.status = 'active' AND p.category_id IN (SELECT id FROM subtree)`,
        [root.id],
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.length).toBeLessThan(activeIds.length);
      const items = await walkFeed(key, `limit=5&category=${root.slug}`);
      expect(items.map((item) => item.id).sort()).toEqual(rows.map((row) => row.id).sort());
      expect((await feedPage(key, 'category=no-such-category')).items).toEqual([]);
    });

    it('when asked for changes since an instant, then only products changed at or after it come', async () => {
      const { key } = keys.issue('premium');
      const { rows } = await getDb().query<{ latest: Date }>('SELECT max(updated_at) AS latest FROM products');
      const since = new Date(rows[0].latest.getTime() + 1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const changed = [(await createProduct(harness, { sku: uniqueTestTag('NEW').toUpperCase() })).body, (await createProduct(harness, { sku: uniqueTestTag('NEW').toUpperCase() })).body];
      const items = await walkFeed(key, `limit=1&updatedSince=${encodeURIComponent(since.toISOString())}`);
      expect(items.map((item) => item.id).sort()).toEqual(changed.map((product) => product.id).sort());
    });

    it('when a cursor is used with other filters or is garbage, then 400 naming the cursor', async () => {
      const { key } = keys.issue('premium');
      const page = await feedPage(key, 'limit=2');
      for (const query of [`limit=2&category=x&cursor=${page.nextCursor}`, 'cursor=not-a-cursor!', 'limit=101', 'unknown=1']) {
        const response = await http.get(`${base}/products?${query}`).set('X-API-Key', key);
        expectProblem(response, 400, 'invalid');
      }
    });

    it('when one product is read, then it is the public view with an ETag, a 304 for the same ETag, and 404 for an unknown or draft one', async () => {
      const { key } = keys.issue('standard');
      const id = activeIds[0];
      const response = await http.get(`${base}/products/${id}`).set('X-API-Key', key).expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(productViewSchema.parse(response.body).id).toBe(id);
      expect(response.headers['cache-control']).toBe('private, no-cache');
      const again = await http.get(`${base}/products/${id}`).set('X-API-Key', key).set('If-None-Match', response.headers.etag);
      expect(again.status).toBe(304);
      const draft = (await createProduct(harness, { status: 'draft' })).body;
      expectProblem(await http.get(`${base}/products/${draft.id}`).set('X-API-Key', key), 404, 'not_found');
      expectProblem(await http.get(`${base}/products/${randomUUID()}`).set('X-API-Key', key), 404, 'not_found');
      expectProblem(await http.get(`${base}/products/SKU-1`).set('X-API-Key', key), 400, 'invalid');
    });

    it('when a product is read twice, then the second read comes from the cache (no statement)', async () => {
      const { key } = keys.issue('standard');
      await http.get(`${base}/products/${activeIds[1]}`).set('X-API-Key', key).expect(200);
      const before = counting.statements();
      await http.get(`${base}/products/${activeIds[1]}`).set('X-API-Key', key).expect(200);
      expect(counting.statements()).toBe(before);
    });

    it('when any keyed request is answered, then it carries the RateLimit headers and Cache-Control private, whatever its status', async () => {
      const { key } = keys.issue('standard');
      const responses = [
        await http.get(`${base}/products`).set('X-API-Key', key),
        await http.get(`${base}/products/${activeIds[0]}`).set('X-API-Key', key),
        await http.get(`${base}/products/${randomUUID()}`).set('X-API-Key', key),
        await http.get(`${base}/products?limit=0`).set('X-API-Key', key),
        await http.get(`${base}/products/${activeIds[0]}/history?from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z`).set('X-API-Key', key),
        await http.get(`${base}/usage`).set('X-API-Key', key),
        await http.get(`${base}/no-such-route`).set('X-API-Key', key),
      ];
      expect(responses.map((response) => response.status)).toEqual([200, 200, 404, 400, 400, 200, 404]);
      for (const response of responses) {
        expectRateLimitHeaders(response, 600);
        expect(response.headers['cache-control']).toBe('private, no-cache');
      }
      expect(responses.map((response) => Number(response.headers['ratelimit-remaining']))).toEqual([599, 598, 597, 596, 595, 594, 593]);
    });

    it('when the usage is read, then it shows the key\'s requests and rejections today, its tier and its limit', async () => {
      const { key, keyId } = keys.issue('free');
      for (let i = 0; i < 3; i += 1) await http.get(`${base}/products/${activeIds[0]}`).set('X-API-Key', key).expect(200);
      const usage = partnerUsageSchema.parse((await http.get(`${base}/usage`).set('X-API-Key', key).expect(200)).body);
      expect(usage).toEqual({ keyId, tier: 'free', limitPerMinute: 60, day: new Date().toISOString().slice(0, 10), requestsToday: 4, rejectedToday: 0 });
    });

    it('when a keyed request is answered, then it is audited with the route pattern (not the URL), the status, the duration and the tier', async () => {
      const { key, keyId } = keys.issue('standard');
      await http.get(`${base}/products/${activeIds[2]}`).set('X-API-Key', key).expect(200);
      await http.get(`${base}/products/${randomUUID()}`).set('X-API-Key', key).expect(404);
      const entries = await eventually(() => {
        const mine = app.audited.filter((entry) => entry.actor.id === keyId);
        return mine.length === 2 && mine;
      });
      for (const entry of entries) {
        expect(entry).toMatchObject({ actor: { type: 'api_key', id: keyId }, action: AuditActions.partnerRequest });
        expect(entry.details).toMatchObject({ method: 'GET', route: `${base}/products/:id`, tier: 'standard' });
        expect(typeof entry.details?.durationMs).toBe('number');
      }
      expect(entries.map((entry) => entry.details?.status)).toEqual([200, 404]);
    });
  });

  describe('when a key goes beyond its limit', () => {
    it('when 100 requests of a free key arrive at once, then exactly 60 are answered and 40 are 429 with Retry-After, all with the limit headers', async () => {
      const { key, keyId } = keys.issue('free');
      const server = await listening(app.catalog);
      try {
        const responses = await Promise.all(Array.from({ length: 100 }, () => request(server.url).get(`${base}/products/${activeIds[0]}`).set('X-API-Key', key)));
        const ok = responses.filter((response) => response.status === 200);
        const refused = responses.filter((response) => response.status === 429);
        expect([ok.length, refused.length]).toEqual([60, 40]);
        for (const response of responses) expectRateLimitHeaders(response, 60);
        expect(ok.map((response) => Number(response.headers['ratelimit-remaining'])).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
        for (const response of refused) {
          expectProblem(response, 429, 'too_many_requests');
          expect(response.headers['ratelimit-remaining']).toBe('0');
          expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
          expect(response.headers['retry-after']).toBe(response.headers['ratelimit-reset']);
        }
      } finally {
        await server.close();
      }
      // Read from the limiter itself: the key's usage route would be refused as well now.
      expect(await limiter.usageToday(`partner:${keyId}`)).toMatchObject({ accepted: 60, rejected: 40 });
    });

    it('when a request is refused with 429, then it read nothing from the database, and the rejection is counted for its tier', async () => {
      const { key } = keys.issue('free');
      const before = counting.statements();
      await http.get(`${base}/products?limit=1`).set('X-API-Key', key).expect(200);
      expect(counting.statements()).toBeGreaterThan(before);
      for (let i = 1; i < 60; i += 1) await http.get(`${base}/usage`).set('X-API-Key', key).expect(200);
      const rejectionsBefore = await rejections(app.catalog, 'free');
      const afterAllowed = counting.statements();
      const refused = await http.get(`${base}/products?limit=1`).set('X-API-Key', key);
      expectProblem(refused, 429, 'too_many_requests');
      expect(counting.statements()).toBe(afterAllowed);
      expect(await rejections(app.catalog, 'free')).toBe(rejectionsBefore + 1);
    });
  });

  describe('when the partner API has no verifier or limiter, or they fail', () => {
    it('when the app was built without them, then keyed routes answer 503 and the document is still served', async () => {
      const bare = partnerCatalog(getDb());
      expectProblem(await request(bare.catalog.app).get(`${base}/products`).set('X-API-Key', keys.issue('free').key), 503, 'unavailable');
      await request(bare.catalog.app).get(`${base}/openapi.json`).expect(200);
    });

    it('when the limiter or the verifier is down, then 503 with Retry-After and nothing is read', async () => {
      const down: RateLimiter = {
        consume: () => Promise.reject(new Error('connection refused')),
        usageToday: () => Promise.reject(new Error('connection refused')),
        close: () => Promise.resolve(),
      };
      const limiterDown = countingDatabase(getDb());
      const withoutLimiter = partnerCatalog(limiterDown.db, { apiKeys: keys, rateLimiter: down });
      const response = await request(withoutLimiter.catalog.app).get(`${base}/products`).set('X-API-Key', keys.issue('free').key);
      expectProblem(response, 503, 'unavailable');
      expect(response.headers['retry-after']).toBe('1');
      expect(limiterDown.statements()).toBe(0);
      // Nothing listens on port 1: auth cannot be reached.
      const authDown = new AuthApiKeyVerifier({ invoker: new HttpServiceInvoker({ services: { auth: 'http://127.0.0.1:1' } }), authAppId: 'auth' });
      const withoutAuth = partnerCatalog(getDb(), { apiKeys: new CachingApiKeyVerifier(authDown), rateLimiter: new InMemoryRateLimiter() });
      const unreachable = await request(withoutAuth.catalog.app).get(`${base}/products`).set('X-API-Key', keys.issue('free').key);
      expectProblem(unreachable, 503, 'unavailable');
      expect(unreachable.headers['retry-after']).toBe('1');
    });
  });

  describe('the document and the page', () => {
    it('when the document is fetched without a key, then it is a valid OpenAPI 3.1 document of the partner paths only, not rate limited', async () => {
      const response = await http.get(`${base}/openapi.json`).expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      for (const name of rateLimitHeaderNames) expect(response.headers[name]).toBeUndefined();
      const document = response.body as { openapi: string; paths: Record<string, Record<string, { security?: unknown[] }>>; components: { securitySchemes: Record<string, { type: string }> } };
      expect(document.openapi).toBe('3.1.0');
      expect(documentProblems(document)).toEqual([]);
      expect(Object.keys(document.paths).sort()).toEqual([`${base}/products`, `${base}/products/{id}`, `${base}/products/{id}/history`, `${base}/usage`]);
      expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['partnerApiKey', 'partnerBearer']);
      expect(document.components.securitySchemes.partnerApiKey.type).toBe('apiKey');
      expect(document.paths[`${base}/products`].get.security).toEqual([{ partnerApiKey: [] }, { partnerBearer: [] }]);
      const etag = response.headers.etag;
      expect((await http.get(`${base}/openapi.json`).set('If-None-Match', etag)).status).toBe(304);
    });

    it('when the page is opened, then it is served with a strict CSP and every file it loads is served too', async () => {
      const page = await http.get(`${base}/docs`).expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      const loaded = [...page.text.matchAll(/(?:src|href)="(\/api\/partner\/v1\/docs\/[^"]+)"/g)].map((match) => match[1]);
      expect(loaded.length).toBeGreaterThan(2);
      for (const path of loaded) await http.get(path).expect(200);
      expect((await http.get(`${base}/docs/swagger-initializer.js`)).text).toContain(`url: '${base}/openapi.json'`);
    });
  });
});

/** `rate_limit_rejections_total{limiter="partner", scope=tier}` of an app. */
async function rejections(catalog: CatalogApp, tier: ApiKeyTier): Promise<number> {
  const metric = await catalog.metrics.registry.getSingleMetric('rate_limit_rejections_total')?.get();
  return metric?.values.find((value) => value.labels.limiter === 'partner' && value.labels.scope === tier)?.value ?? 0;
}

describe('partner key revocation across catalog replicas', () => {
  let db: PgliteDatabase;
  beforeAll(async () => {
    db = await PgliteDatabase.open();
    await migrateCatalog(db);
  }, 60_000);
  afterAll(() => db?.close());

  it('when a key is revoked and the event is broadcast, then the next request is 401 on both replicas, which had it cached', async () => {
    const broker = new InMemoryBroker();
    const source = new InProcessApiKeys();
    const replicas = ['instance-a', 'instance-b'].map((instanceId) => {
      const bus = new InMemoryEventBus({ source: 'catalog', broker });
      const apiKeys = new CachingApiKeyVerifier(source, { positiveTtlMs: 300_000 });
      subscribeApiKeyChanges(bus, apiKeys, broadcastSubscription(AppIds.catalog, instanceId), logger);
      return { bus, app: partnerCatalog(db, { apiKeys, rateLimiter: new InMemoryRateLimiter(), eventBus: bus }).catalog };
    });
    const auth = new InMemoryEventBus({ source: 'auth', broker });
    try {
      await Promise.all([...replicas.map((replica) => replica.bus.start()), auth.start()]);
      const { key, keyId } = source.issue('free');
      for (const replica of replicas) await request(replica.app.app).get(`${base}/usage`).set('X-API-Key', key).expect(200);
      source.revoke(key);
      // Still cached: without the event, each replica would let the key in until its TTL ran out.
      for (const replica of replicas) await request(replica.app.app).get(`${base}/usage`).set('X-API-Key', key).expect(200);
      const callsBefore = source.calls;
      await auth.publish(Topics.apiKeys, { type: EventTypes.apiKeyRevoked, subject: keyId, data: { keyId, at: new Date().toISOString() } });
      await broker.whenIdle();
      for (const replica of replicas) expectProblem(await request(replica.app.app).get(`${base}/usage`).set('X-API-Key', key), 401, 'unauthorized');
      expect(source.calls).toBe(callsBefore + 2);
    } finally {
      await Promise.all([...replicas.map((replica) => replica.bus.close()), auth.close()]);
      await broker.close();
    }
  });
});

describe('the verifier cache', () => {
  it('when a key is asked for many times at once, then auth is asked once; an invalid key is kept for 5 s, a valid one for its TTL but never past validUntil', async () => {
    let now = Date.parse('2024-05-01T12:00:00Z');
    const answers = new Map<string, VerifiedApiKey>();
    let calls = 0;
    const source: ApiKeyVerifier = {
      verify: async (key) => {
        calls += 1;
        await new Promise((resolve) => setImmediate(resolve));
        return answers.get(key);
      },
    };
    const cache = new CachingApiKeyVerifier(source, { positiveTtlMs: 30_000, negativeTtlMs: 5000, now: () => now });
    const valid = { keyId: randomUUID(), tier: 'free' as const, scopes: ['catalog:read' as const], validUntil: new Date(now + 10_000).toISOString() };
    answers.set('valid', valid);
    expect(await Promise.all(Array.from({ length: 20 }, () => cache.verify('valid')))).toEqual(Array.from({ length: 20 }, () => valid));
    expect(calls).toBe(1);
    expect(await cache.verify('unknown')).toBeUndefined();
    expect(calls).toBe(2);
    now += 4000;
    expect(await cache.verify('unknown')).toBeUndefined();
    expect(await cache.verify('valid')).toEqual(valid);
    expect(calls).toBe(2);
    now += 1500;
    await cache.verify('unknown');
    expect(calls).toBe(3);
    // validUntil (10 s after the first answer) comes before the 30 s TTL: the rotated-away key is asked about again.
    now += 5000;
    answers.delete('valid');
    expect(await cache.verify('valid')).toBeUndefined();
    expect(calls).toBe(4);
  });
});

describeWithBackend('redis', 'partner rate limits on Redis shared by two catalog replicas', (url) => {
  let db: PgliteDatabase;
  beforeAll(async () => {
    db = await PgliteDatabase.open();
    await migrateCatalog(db);
  }, 60_000);
  afterAll(() => db?.close());

  it('when 100 requests of a free key arrive at once across two replicas, then exactly 60 are answered and 40 refused', async () => {
    const keys = new InProcessApiKeys();
    const keyPrefix = `${uniqueTestTag('partner')}:`;
    const limiters = [new RedisRateLimiter({ url, keyPrefix, commandTimeoutMs: 10_000 }), new RedisRateLimiter({ url, keyPrefix, commandTimeoutMs: 10_000 })];
    const servers = await Promise.all(limiters.map((rateLimiter) => listening(partnerCatalog(db, { apiKeys: keys, rateLimiter }).catalog)));
    try {
      const { key } = keys.issue('free');
      const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => request(servers[i % 2].url).get(`${base}/usage`).set('Authorization', `Bearer ${key}`)));
      expect(responses.filter((response) => response.status === 200)).toHaveLength(60);
      expect(responses.filter((response) => response.status === 429)).toHaveLength(40);
      for (const response of responses) expectRateLimitHeaders(response, 60);
    } finally {
      await Promise.all(servers.map((server) => server.close()));
      await Promise.all(limiters.map((limiter) => limiter.close()));
    }
  });
});
