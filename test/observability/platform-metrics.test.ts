import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogBulkUpsertPath, CatalogInternalPaths } from '@shop/contracts';
import { createLogger } from '@shop/platform';
import { jsonClient } from '@shop/testing';
import { loadLauncherConfig, startEmbeddedPlatform, type EmbeddedPlatform } from '@shop/launcher';
import { dashboards, metricNamesIn, ruleGroups, samplesOf } from './observability-support';

/**
 * Metrics that come from outside the services and that rules or dashboards may use: the platform cannot emit them,
 * the cluster's scrapers collect them.
 */
const externalMetrics = new Set([
  // kube-state-metrics (AKS managed Prometheus scrapes it): container restarts per pod.
  'kube_pod_container_status_restarts_total',
  // The Dapr sidecar's own metrics endpoint (port 9090, scraped through the PodMonitor): pub/sub deliveries by status.
  'dapr_component_pubsub_ingress_count',
]);

/**
 * The platform as `npm start` runs it (in this process, from the sources), exercised through the gateway: a
 * checkout, searches, failed logins and a supplier sync run. Then every /metrics is scraped once.
 */
describe('the metrics a running platform emits', () => {
  let dataDir: string;
  let platform: EmbeddedPlatform;
  const scraped = new Map<string, Map<string, Array<{ labels: string; value: number }>>>();
  const call = jsonClient(() => platform.url);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'shop-metrics-'));
    // No demo history: the counters below must count this test's one checkout alone.
    const environment = { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', PASSWORD_HASH_COST: '1024', CATALOG_PRODUCT_CACHE_MS: '5000', DEMO_HISTORY_DAYS: '0' };
    platform = await startEmbeddedPlatform(loadLauncherConfig(environment), environment, (service) => createLogger({ service, level: 'silent' }));

    // A checkout: register, log in, add to the cart, order.
    const email = `metrics-${Date.now()}@example.com`;
    await call('POST', '/api/auth/register', { body: { email, password: 'correct horse battery', name: 'Metrics' } });
    const token = (await call('POST', '/api/auth/login', { body: { email, password: 'correct horse battery' } })).body.accessToken as string;
    const { body: page } = await call('GET', '/api/catalog/products?inStock=true&limit=1');
    const product = page.items[0];
    await call('GET', `/api/catalog/products/${product.id}`);
    await call('GET', `/api/catalog/products/${product.id}`);
    expect((await call('POST', '/api/cart/items', { token, body: { productId: product.id, quantity: 1 } })).status).toBe(200);
    const placed = await call('POST', '/api/orders', {
      token,
      headers: { 'idempotency-key': `metrics-${Date.now()}` },
      body: { shippingAddress: { name: 'Metrics', line1: '1 Main St', city: 'Lisbon', postalCode: '1000-001', country: 'PT' }, paymentToken: 'pm_sim_approve' },
    });
    expect(placed.body.status).toBe('confirmed');
    // The same search twice: the second is answered from the list cache (L1).
    await call('GET', '/api/catalog/products?q=lamp');
    await call('GET', '/api/catalog/products?q=lamp');
    // Wrong passwords until the throttle refuses (5 per account and address in the window).
    let refused = 0;
    for (let attempt = 0; attempt < 8 && refused === 0; attempt += 1) {
      if ((await call('POST', '/api/auth/login', { body: { email, password: 'not the password' } })).status === 429) refused += 1;
    }
    expect(refused).toBe(1);
    // A supplier sync run as the Functions app drives it (catalog's internal routes): one partial run with a rejected record and an error, one complete run.
    const catalog = jsonClient(() => platform.serviceUrls.catalog);
    const admin = (await call('POST', '/api/auth/login', { body: { email: platform.admin.email, password: platform.admin.password } })).body.accessToken as string;
    const partial = (await catalog('POST', CatalogInternalPaths.syncRuns, { body: { source: 'erp', trigger: 'timer' } })).body.runId as string;
    const batch = await catalog('POST', catalogBulkUpsertPath, { token: admin, body: { source: 'erp', runId: partial, products: [{ externalId: 'broken' }] } });
    expect(batch.status).toBe(200);
    await catalog('POST', CatalogInternalPaths.finishSyncRun(partial), { body: { complete: false, batches: 1, fetched: 1, rejected: [], errors: ['supplier page 2 answered 503'] } });
    const complete = (await catalog('POST', CatalogInternalPaths.syncRuns, { body: { source: 'erp', trigger: 'timer' } })).body.runId as string;
    await catalog('POST', CatalogInternalPaths.finishSyncRun(complete), { body: { complete: true, batches: 0, fetched: 0, rejected: [], errors: [] } });
    // The order's events reach their consumers (cart, the Functions app) asynchronously.
    await new Promise((resolve) => setTimeout(resolve, 500));

    for (const [app, url] of Object.entries(platform.metricsUrls)) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      scraped.set(app, samplesOf(await res.text()));
    }
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The sum of the samples of `name` in `app` whose labels include every `label="value"` given. */
  const total = (app: string, name: string, ...labels: string[]): number =>
    (scraped.get(app)?.get(name) ?? []).filter((sample) => labels.every((label) => sample.labels.includes(label))).reduce((sum, sample) => sum + sample.value, 0);

  it('when the platform runs, then every service and the gateway are scraped, the gateway on a port of its own', () => {
    expect([...scraped.keys()].sort()).toEqual(['auth', 'cart', 'catalog', 'gateway', 'order']);
    expect(new URL(platform.metricsUrls.gateway).port).not.toBe(new URL(platform.url).port);
  });

  it('when requests were served, then the duration histogram has the SLO buckets and route templates, never raw ids', () => {
    const buckets = scraped.get('catalog')!.get('http_request_duration_seconds_bucket')!;
    expect(buckets.some((sample) => sample.labels.includes('le="0.2"'))).toBe(true);
    expect(buckets.some((sample) => sample.labels.includes('le="0.5"'))).toBe(true);
    expect(total('catalog', 'http_request_duration_seconds_count', 'route="/api/catalog/products/:ref"', 'status_code="200"')).toBeGreaterThanOrEqual(2);
    for (const app of scraped.keys()) {
      for (const sample of scraped.get(app)!.get('http_request_duration_seconds_count') ?? []) expect(sample.labels).not.toMatch(/route="[^"]*[0-9a-f]{8}-[0-9a-f]{4}/);
    }
    expect(total('gateway', 'http_request_duration_seconds_count', 'status_code="201"')).toBeGreaterThanOrEqual(1);
  });

  it('when a checkout went through, then its saga outcome, its duration and the stock reservation are counted', () => {
    expect(total('order', 'checkout_sagas_total', 'driver="request"', 'outcome="confirmed"')).toBe(1);
    expect(total('order', 'checkout_saga_duration_seconds_count', 'outcome="confirmed"')).toBe(1);
    expect(total('catalog', 'stock_reservations_total', 'action="reserve"', 'outcome="ok"')).toBe(1);
    expect(total('catalog', 'stock_reservations_total', 'action="commit"', 'outcome="ok"')).toBe(1);
  });

  it('when events were published and consumed, then the outbox backlog is reported and deliveries and their lag are counted', () => {
    for (const app of ['auth', 'catalog', 'order']) {
      expect(scraped.get(app)!.has('outbox_pending_events')).toBe(true);
      expect(scraped.get(app)!.has('outbox_oldest_pending_event_age_seconds')).toBe(true);
    }
    expect(total('cart', 'event_deliveries_total', 'topic="orders"', 'outcome="success"')).toBeGreaterThanOrEqual(1);
    expect(total('cart', 'event_delivery_lag_seconds_count', 'topic="orders"')).toBeGreaterThanOrEqual(1);
    expect(scraped.get('cart')!.get('event_deliveries_total')!.some((sample) => sample.labels.includes('outcome="dead_letter"'))).toBe(true);
  });

  it('when products were read twice and a search repeated, then each cache layer counts its hits and misses', () => {
    // Two layers each (l1 in process, l2 the state store): the second read and the repeated search are L1 hits, the
    // first of each missed both layers.
    expect(total('catalog', 'cache_lookups_total', 'cache="catalog_product_l1"', 'result="hit"')).toBeGreaterThanOrEqual(1);
    expect(total('catalog', 'cache_lookups_total', 'cache="catalog_product_l1"', 'result="miss"')).toBeGreaterThanOrEqual(1);
    expect(total('catalog', 'cache_lookups_total', 'cache="catalog_product_l2"', 'result="miss"')).toBeGreaterThanOrEqual(1);
    expect(total('catalog', 'cache_lookups_total', 'cache="catalog_list_l1"', 'result="hit"')).toBeGreaterThanOrEqual(1);
    expect(total('catalog', 'cache_lookups_total', 'cache="catalog_list_l1"', 'result="miss"')).toBeGreaterThanOrEqual(1);
    expect(total('catalog', 'cache_lookups_total', 'cache="catalog_list_l2"', 'result="miss"')).toBeGreaterThanOrEqual(1);
    expect(total('cart', 'cache_lookups_total', 'cache="cart_product"', 'result="miss"')).toBeGreaterThanOrEqual(1);
  });

  it('when wrong passwords reached the login throttle, then the rejection is counted with the scope that refused', () => {
    expect(total('auth', 'rate_limit_rejections_total', 'limiter="login"', 'scope="account_and_address"')).toBe(1);
  });

  it('when the sync reported a partial and a complete run, then runs, rejected records and errors are counted', () => {
    expect(total('catalog', 'supplier_sync_runs_total', 'source="erp"', 'outcome="partial"')).toBe(1);
    expect(total('catalog', 'supplier_sync_runs_total', 'source="erp"', 'outcome="succeeded"')).toBe(1);
    expect(total('catalog', 'supplier_sync_items_total', 'source="erp"', 'result="rejected"')).toBe(1);
    expect(total('catalog', 'supplier_sync_errors_total', 'source="erp"')).toBe(1);
  });

  it('when every PromQL expression of the dashboards and the rules is read, then each metric it names is emitted (or recorded by a rule, or external)', () => {
    const emitted = new Set([...scraped.values()].flatMap((samples) => [...samples.keys()]));
    const recorded = new Set(ruleGroups().flatMap((group) => group.rules.flatMap((rule) => (rule.record ? [rule.record] : []))));
    const expressions = [
      ...ruleGroups().flatMap((group) => group.rules.map((rule) => ({ where: `rules.yaml ${group.name}/${rule.record ?? rule.alert}`, expr: rule.expr }))),
      ...dashboards().flatMap(({ file, json }) => json.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `${file} "${panel.title}"`, expr: target.expr })))),
    ];
    expect(expressions.length).toBeGreaterThan(40);
    const unknown = expressions.flatMap(({ where, expr }) => metricNamesIn(expr).filter((name) => !emitted.has(name) && !recorded.has(name) && !externalMetrics.has(name)).map((name) => `${where}: ${name}`));
    expect(unknown).toEqual([]);
  });
});
