import { eventually } from '@shop/testing';
import { HttpCatalogSyncRuns } from '../../src/sync/catalog-sync-runs';
import { runCatalogSync } from '../../src/sync/run-catalog-sync';
import { createProductSource } from '../../src/sync/sync-runtime';
import { loadSyncSettings } from '../../src/sync/sync-settings';
import { FakeCatalog } from './fake-catalog';
import { RecordingPublisher } from './recording-publisher';
import { SupplierStandIn, dummyProduct, shopifyProduct } from './supplier-stand-in';

// The configured supplier turns hostile (or is compromised) and tries to send the sync, with the supplier's API key,
// to another host, into a redirect loop, through a page without end or a listing without end. A second stand-in on
// another loopback port plays the foreign host: it must never see a request, let alone the key.

const apiKey = 'supplier-secret-key';
let supplier: SupplierStandIn;
let foreign: SupplierStandIn;
let catalog: FakeCatalog;

beforeEach(async () => {
  supplier = await new SupplierStandIn().start();
  foreign = await new SupplierStandIn().start();
  catalog = await new FakeCatalog().start();
});
afterEach(async () => {
  await supplier.stop();
  await foreign.stop();
  await catalog.stop();
});

async function syncOnce(kind: 'dummyjson' | 'shopify', extra: Record<string, string> = {}) {
  const settings = loadSyncSettings({
    SYNC_SOURCES: JSON.stringify([{ name: 'acme', kind, baseUrl: supplier.url, credentialRef: 'ACME_API_KEY', currency: 'EUR', pageSize: 10 }]),
    SYNC_TIMEOUT_MS: '5000',
    SYNC_MAX_RETRIES: '2',
    SYNC_PAGE_CONCURRENCY: '3',
    CATALOG_INTERNAL_URL: catalog.url,
    ...extra,
  });
  const publisher = new RecordingPublisher();
  const summary = await runCatalogSync(
    { source: createProductSource(settings.SYNC_SOURCES[0], settings, { ACME_API_KEY: apiKey }), trigger: 'manual' },
    { catalog: new HttpCatalogSyncRuns({ catalogUrl: catalog.url }), publisher, batchSize: 100 },
  );
  return { summary, publisher };
}

/** The run was reported to catalog as partial, so catalog archives nothing. */
function expectPartialRun(): void {
  expect(catalog.finishes()).toEqual([expect.objectContaining({ complete: false })]);
}

const keyHeaderOf = (kind: 'dummyjson' | 'shopify') => (kind === 'shopify' ? 'x-shopify-access-token' : 'authorization');
const keyValueOf = (kind: 'dummyjson' | 'shopify') => (kind === 'shopify' ? apiKey : `Bearer ${apiKey}`);

describe('links and redirects never leave the supplier origin', () => {
  it('when a Shopify next link points to another origin, then the sync stops there with the reason, the foreign host gets no request, and the run is partial', async () => {
    supplier.products = Array.from({ length: 25 }, (_, i) => shopifyProduct(i + 1));
    foreign.products = supplier.products;
    supplier.linkOrigin = foreign.url;

    const { summary } = await syncOnce('shopify');

    expect(foreign.received).toEqual([]);
    expect(supplier.received.map((r) => r.headers['x-shopify-access-token'])).toEqual([apiKey]);
    expect(summary).toMatchObject({ complete: false, fetched: 10 });
    expect(summary.errors).toEqual([
      `page 1: refused to follow a link to another origin (${foreign.url}): only the supplier's ${supplier.url} is requested, and gets the API key; later pages not reachable`,
    ]);
    expectPartialRun();
  });

  it('when a Shopify next link is relative, then it is resolved against the page and followed within the origin', async () => {
    supplier.products = Array.from({ length: 15 }, (_, i) => shopifyProduct(i + 1));
    supplier.linkOrigin = '';

    const { summary } = await syncOnce('shopify');

    expect(summary).toMatchObject({ complete: true, fetched: 15, errors: [] });
    expect(supplier.received.map((r) => [r.path, r.headers['x-shopify-access-token']])).toEqual([
      ['/products.json?limit=10', apiKey],
      ['/products.json?limit=10&page_info=10', apiKey],
    ]);
  });

  it.each(['shopify', 'dummyjson'] as const)('when a %s page redirects to another origin, then the redirect is not followed, the foreign host never sees the API key, and the run is partial', async (kind) => {
    const pageKey = kind === 'shopify' ? 'page=10' : 'skip=10';
    const pageQuery = kind === 'shopify' ? 'page_info=10' : 'skip=10';
    const foreignPath = kind === 'shopify' ? `/products.json?limit=10&${pageQuery}` : `/products?limit=10&${pageQuery}`;
    supplier.products = Array.from({ length: 30 }, (_, i) => (kind === 'shopify' ? shopifyProduct(i + 1) : dummyProduct(i + 1)));
    foreign.products = supplier.products;
    supplier.fault(pageKey, { redirect: `${foreign.url}${foreignPath}` });

    const { summary } = await syncOnce(kind);

    expect(foreign.received).toEqual([]);
    expect(summary.complete).toBe(false);
    expect(summary.fetched).toBe(10);
    expect(summary.errors).toEqual([expect.stringMatching(new RegExp(`^page 1: refused to follow a redirect to another origin \\(${foreign.url}\\): .*; later pages (not reachable|not read)$`))]);
    expect(supplier.requests.filter((path) => path.includes(pageQuery))).toHaveLength(1); // a refusal is not retried
    expectPartialRun();
  });

  it('when a page is refused while later pages are in flight, then their requests are cancelled, not left running after the run', async () => {
    supplier.products = Array.from({ length: 30 }, (_, i) => dummyProduct(i + 1));
    supplier.fault('skip=10', { redirect: `${foreign.url}/products?limit=10&skip=10` });
    supplier.fault('skip=20', { hang: true });

    const { summary } = await syncOnce('dummyjson', { SYNC_TIMEOUT_MS: '30000' });

    expect(summary.errors).toEqual([expect.stringMatching(/^page 1: refused to follow a redirect/)]);
    // Well before the 30 s request timeout would end it: the listing cancelled the request when it stopped.
    await eventually(() => supplier.abandonedRequests === 1, 3000);
  });

  it('when a page redirects within the supplier origin, then the redirect is followed with the API key and the run is complete', async () => {
    supplier.products = Array.from({ length: 5 }, (_, i) => dummyProduct(i + 1));
    supplier.fault('skip=0', { redirect: '/products?limit=10&skip=0&moved=1' });

    const { summary } = await syncOnce('dummyjson');

    expect(summary).toMatchObject({ complete: true, fetched: 5, errors: [] });
    expect(supplier.received.map((r) => [r.path, r.headers[keyHeaderOf('dummyjson')]])).toEqual([
      ['/products?limit=10&skip=0', keyValueOf('dummyjson')],
      ['/products?limit=10&skip=0&moved=1', keyValueOf('dummyjson')],
    ]);
  });

  it('when the supplier redirects in a loop, then the sync follows 5 redirects, stops with the reason and the run is partial', async () => {
    supplier.products = Array.from({ length: 5 }, (_, i) => dummyProduct(i + 1));
    supplier.fault('skip=0', ...Array.from({ length: 8 }, () => ({ redirect: `${supplier.url}/products?limit=10&skip=0` })));

    const { summary } = await syncOnce('dummyjson');

    expect(supplier.requests).toHaveLength(1 + 5);
    expect(summary).toMatchObject({ complete: false, fetched: 0 });
    expect(summary.errors).toEqual(['page 0: more than 5 redirects from http://127.0.0.1:' + new URL(supplier.url).port + '/products?… (a redirect loop?); not followed further; later pages not read']);
    expectPartialRun();
  });
});

describe('pages and listings have an end', () => {
  it('when a page streams on past SYNC_MAX_PAGE_BYTES without a length, then reading stops at the limit, not after buffering it all, and the run is partial', async () => {
    supplier.fault('skip=0', { oversized: 64 * 1024 * 1024 });

    const { summary } = await syncOnce('dummyjson', { SYNC_MAX_PAGE_BYTES: '65536' });

    expect(summary.complete).toBe(false);
    expect(summary.errors).toEqual([expect.stringMatching(/^page 0: answer to .* is larger than the limit of 65536 bytes \(SYNC_MAX_PAGE_BYTES\); not read further; later pages not read$/)]);
    // The client hung up mid-page: the server never got to write the whole 64 MiB (only what socket buffers took).
    expect(supplier.oversizedPages.finished).toBe(false);
    expect(supplier.oversizedPages.bytesWritten).toBeLessThan(32 * 1024 * 1024);
    expect(supplier.requests).toHaveLength(1); // a refusal is not retried
    expectPartialRun();
  });

  it('when a page declares a Content-Length over SYNC_MAX_PAGE_BYTES, then it is refused unread and the run is partial', async () => {
    supplier.fault('page=0', { oversized: 1024 * 1024, declareLength: true });

    const { summary } = await syncOnce('shopify', { SYNC_MAX_PAGE_BYTES: '65536' });

    expect(summary.complete).toBe(false);
    expect(summary.errors).toEqual([expect.stringMatching(/^page 0: answer to .* is larger than the limit of 65536 bytes \(SYNC_MAX_PAGE_BYTES\).*later pages not reachable$/)]);
    expectPartialRun();
  });

  it('when Shopify pages keep linking to a next page, then the sync reads SYNC_MAX_PAGES pages, stops with the reason and the run is partial', async () => {
    supplier.products = Array.from({ length: 10 }, (_, i) => shopifyProduct(i + 1));
    supplier.endlessPages = 200;

    const { summary } = await syncOnce('shopify', { SYNC_MAX_PAGES: '5' });

    expect(supplier.requests).toHaveLength(5);
    expect(summary.complete).toBe(false);
    expect(summary.errors).toEqual(['page 5: the listing goes on past the page limit of 5 pages a run (SYNC_MAX_PAGES); later pages not read']);
    expectPartialRun();
  });

  it('when a DummyJSON total needs more than SYNC_MAX_PAGES pages, then no page after the first is read and the run is partial', async () => {
    supplier.products = Array.from({ length: 10 }, (_, i) => dummyProduct(i + 1));
    supplier.reportedTotal = 1000;

    const { summary } = await syncOnce('dummyjson', { SYNC_MAX_PAGES: '5' });

    expect(supplier.requests).toHaveLength(1);
    expect(summary).toMatchObject({ complete: false, fetched: 10 });
    expect(summary.errors).toEqual(['page 1: the supplier reports 1000 products, 100 pages of 10, past the page limit of 5 pages a run (SYNC_MAX_PAGES); later pages not read']);
    expectPartialRun();
  });

  it('when the limits are not set, then a page may have 10 MiB and a run 1000 pages', () => {
    expect(loadSyncSettings({})).toMatchObject({ SYNC_MAX_PAGE_BYTES: 10 * 1024 * 1024, SYNC_MAX_PAGES: 1000 });
    expect(() => loadSyncSettings({ SYNC_MAX_PAGES: '0' })).toThrow(/SYNC_MAX_PAGES/);
  });
});
