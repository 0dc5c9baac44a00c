import { HttpCatalogSyncRuns } from '../../src/sync/catalog-sync-runs';
import { runCatalogSync, type SyncProgress } from '../../src/sync/run-catalog-sync';
import { createProductSource } from '../../src/sync/sync-runtime';
import { loadSyncSettings } from '../../src/sync/sync-settings';
import { toMinorUnits } from '../../src/sync/minor-units';
import { parseRetryAfter } from '../../src/sync/supplier-http-client';
import { nextLinkOf } from '../../src/sync/shopify-source';
import { FakeCatalog } from './fake-catalog';
import { RecordingPublisher } from './recording-publisher';
import { SupplierStandIn, dummyProduct, dummyRecord, shopifyProduct } from './supplier-stand-in';

let supplier: SupplierStandIn;
let catalog: FakeCatalog;

beforeEach(async () => {
  supplier = await new SupplierStandIn().start();
  catalog = await new FakeCatalog().start();
});
afterEach(async () => {
  await supplier.stop();
  await catalog.stop();
});

function settingsFor(kind: 'dummyjson' | 'shopify', extra: Record<string, string> = {}) {
  return loadSyncSettings({
    SYNC_SOURCES: JSON.stringify([{ name: 'acme', kind, baseUrl: supplier.url, currency: 'EUR', pageSize: 10 }]),
    SYNC_TIMEOUT_MS: '300',
    SYNC_MAX_RETRIES: '2',
    SYNC_PAGE_CONCURRENCY: '3',
    SYNC_BREAKER_THRESHOLD: '4',
    CATALOG_INTERNAL_URL: catalog.url,
    APP_API_TOKEN: 'app-token',
    ...extra,
  });
}

async function syncOnce(kind: 'dummyjson' | 'shopify', extra: Record<string, string> = {}, progress: SyncProgress[] = []) {
  const settings = settingsFor(kind, extra);
  const source = createProductSource(settings.SYNC_SOURCES[0], settings, {});
  const publisher = new RecordingPublisher();
  const summary = await runCatalogSync(
    { source, trigger: 'cli' },
    { catalog: new HttpCatalogSyncRuns({ catalogUrl: settings.CATALOG_INTERNAL_URL, appApiToken: 'app-token' }), publisher, batchSize: 8, onProgress: (p) => progress.push(p) },
  );
  return { summary, publisher, source };
}

const sentProducts = (publisher: RecordingPublisher) => publisher.batches.flatMap((batch) => batch.data.products);

describe('prices in minor units', () => {
  it('when a price is a decimal string or number, then it is converted by string arithmetic without float error', () => {
    expect(toMinorUnits('19.99', 'EUR')).toBe(1999);
    expect(toMinorUnits(19.99, 'EUR')).toBe(1999);
    expect(toMinorUnits(0.29, 'EUR')).toBe(29); // 0.29 * 100 = 28.999999999999996
    expect(toMinorUnits('5', 'EUR')).toBe(500);
    expect(toMinorUnits('12.50', 'EUR')).toBe(1250);
    expect(toMinorUnits('1200', 'JPY')).toBe(1200);
    expect(toMinorUnits('1.234', 'BHD')).toBe(1234);
  });
  it('when a price is negative, NaN, has too many decimals or is missing, then it is refused with a reason', () => {
    expect(() => toMinorUnits('-1.00', 'EUR')).toThrow(/negative/);
    expect(() => toMinorUnits(Number.NaN, 'EUR')).toThrow(/finite/);
    expect(() => toMinorUnits('12.345', 'EUR')).toThrow(/more than 2 decimals/);
    expect(() => toMinorUnits('12.5', 'JPY')).toThrow(/more than 0 decimals/);
    expect(() => toMinorUnits(undefined, 'EUR')).toThrow(/missing/);
    expect(() => toMinorUnits('1e3', 'EUR')).toThrow(/plain decimal/);
  });
  it('when Retry-After is seconds or an HTTP date, then it becomes a delay in ms', () => {
    expect(parseRetryAfter('1', 0)).toBe(1000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
  it('when a Link header has a next relation, then its URL is the next page', () => {
    expect(nextLinkOf('<https://s/p.json?page_info=a>; rel="previous", <https://s/p.json?page_info=b>; rel="next"')).toBe('https://s/p.json?page_info=b');
    expect(nextLinkOf('<https://s/p.json?page_info=a>; rel="previous"')).toBeUndefined();
  });
});

describe('runCatalogSync over a DummyJSON-style supplier', () => {
  it('when pages hold malformed records and the supplier answers 429, 500 and too slowly once, then good records are sent in minor units, bad ones rejected with reasons, and the run is complete', async () => {
    supplier.products = Array.from({ length: 25 }, (_, i) => dummyProduct(i + 1));
    supplier.products[2] = dummyProduct(3, { price: undefined });
    supplier.products[4] = dummyProduct(5, { price: -4 });
    supplier.products[6] = dummyProduct(7, { price: '12.345' });
    supplier.products[8] = dummyProduct(9, { images: ['not a url'] });
    supplier.fault('skip=10', { status: 429, retryAfter: '1' });
    supplier.fault('skip=20', { status: 500 });
    supplier.fault('skip=0', { delayMs: 600 });
    const progress: SyncProgress[] = [];

    const started = Date.now();
    const { summary, publisher } = await syncOnce('dummyjson', {}, progress);

    expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // Retry-After honoured
    expect(summary).toMatchObject({ source: 'acme', runId: 'run-1', trigger: 'cli', complete: true, fetched: 25, sentBatches: 3, errors: [] });
    expect(summary.rejected).toEqual([
      { externalId: '3', reason: 'price: price is missing' },
      { externalId: '5', reason: 'price: price must not be negative (got -4)' },
      { externalId: '7', reason: 'price: price has more than 2 decimals for EUR (got 12.345)' },
      { externalId: '9', reason: expect.stringMatching(/^imageUrls\.0: /) },
    ]);
    const products = sentProducts(publisher);
    expect(products.map((p) => p.externalId)).toEqual(['1', '2', '4', '6', '8', ...Array.from({ length: 16 }, (_, i) => String(i + 10))]);
    expect(products[0]).toEqual(dummyRecord('EUR'));
    expect(products.find((p) => p.externalId === '2')!.brand).toBeNull();
    expect(publisher.batches.map((b) => [b.id, b.data.source, b.data.runId, b.data.products.length])).toEqual([
      ['run-1:1', 'acme', 'run-1', 8],
      ['run-1:2', 'acme', 'run-1', 8],
      ['run-1:3', 'acme', 'run-1', 5],
    ]);
    expect(progress.map((p) => p.pageNumber)).toEqual([0, 1, 2]);
    expect(supplier.requests.filter((r) => r.includes('skip=10'))).toHaveLength(2);
    expect(catalog.calls[0]).toMatchObject({ path: '/internal/catalog/sync-runs', body: { source: 'acme', trigger: 'cli' } });
    expect(catalog.calls[0].headers['dapr-api-token']).toBe('app-token');
    expect(catalog.finishes()).toEqual([{ complete: true, batches: 3, fetched: 25, rejected: summary.rejected, errors: [] }]);
  });

  it('when the same data is synced twice, then both runs publish identical batches', async () => {
    supplier.products = Array.from({ length: 23 }, (_, i) => dummyProduct(i + 1));
    const first = await syncOnce('dummyjson');
    const second = await syncOnce('dummyjson');
    expect(second.publisher.batches.map((b) => b.data.products)).toEqual(first.publisher.batches.map((b) => b.data.products));
    expect(second.summary.runId).toBe('run-2');
  });

  it('when a product disappears between two complete runs, then the second finishes complete without it; a run with a failing page finishes incomplete', async () => {
    supplier.products = Array.from({ length: 15 }, (_, i) => dummyProduct(i + 1));
    await syncOnce('dummyjson');
    supplier.products = supplier.products.filter((p) => p.id !== 4);
    const second = await syncOnce('dummyjson');
    expect(sentProducts(second.publisher).map((p) => p.externalId)).not.toContain('4');
    expect(catalog.finishes()[1]).toMatchObject({ complete: true, fetched: 14, errors: [] });

    supplier.fault('skip=10', { status: 503 }, { status: 503 }, { status: 503 });
    const third = await syncOnce('dummyjson');
    expect(third.summary.complete).toBe(false);
    expect(third.summary.errors).toEqual([expect.stringMatching(/^page 1: supplier answered 503/)]);
    expect(sentProducts(third.publisher)).toHaveLength(10);
    expect(catalog.finishes()[2]).toMatchObject({ complete: false, batches: 2, fetched: 10 });
  });

  it('when a page stays slower than the timeout through every retry, then the run is partial and says it timed out', async () => {
    supplier.products = Array.from({ length: 12 }, (_, i) => dummyProduct(i + 1));
    supplier.fault('skip=10', { hang: true }, { hang: true }, { hang: true });
    const { summary } = await syncOnce('dummyjson');
    expect(summary.complete).toBe(false);
    expect(summary.errors).toEqual(['page 1: request timed out after 300 ms']);
    expect(catalog.finishes()[0].complete).toBe(false);
  });

  it('when the supplier keeps failing, then the circuit breaker opens and later pages fail fast without reaching it', async () => {
    supplier.products = Array.from({ length: 100 }, (_, i) => dummyProduct(i + 1));
    for (let skip = 10; skip < 100; skip += 10) supplier.fault(`skip=${skip}`, ...Array.from({ length: 3 }, () => ({ status: 500 })));
    const { summary } = await syncOnce('dummyjson', { SYNC_PAGE_CONCURRENCY: '1' });
    expect(summary.complete).toBe(false);
    expect(summary.errors).toHaveLength(9);
    expect(summary.errors.filter((e) => e.includes('circuit breaker open'))).not.toHaveLength(0);
    // 1 good page + 4 failures open the breaker; every other page is refused locally.
    expect(supplier.requests.length).toBeLessThanOrEqual(1 + 4);
  });

  it('when catalog cannot open a run, then the sync fails before reading the supplier', async () => {
    catalog.openStatus = 503;
    await expect(syncOnce('dummyjson')).rejects.toThrow(/catalog answered 503/);
    expect(supplier.requests).toHaveLength(0);
  });
});

describe('runCatalogSync over a Shopify-style supplier', () => {
  it('when the listing spans pages linked by Link rel="next", then every page is read in order and variants become products', async () => {
    supplier.products = Array.from({ length: 23 }, (_, i) => shopifyProduct(i + 1, i === 5 ? '12.345' : `${i + 1}.50`));
    supplier.fault('page=10', { status: 500 });
    const { summary, publisher } = await syncOnce('shopify');
    expect(supplier.requests.map((r) => new URL(r, 'http://x').searchParams.get('page_info'))).toEqual([null, '10', '10', '20']);
    expect(summary).toMatchObject({ complete: true, fetched: 23, errors: [] });
    expect(summary.rejected).toEqual([{ externalId: '60', reason: 'price: price has more than 2 decimals for EUR (got 12.345)' }]);
    const products = sentProducts(publisher);
    expect(products).toHaveLength(22);
    expect(products[0]).toEqual({
      externalId: '10',
      sku: 'SH-1',
      name: 'Shirt 1',
      description: 'A fine shirt 1',
      brand: 'Contoso',
      categoryPath: ['Apparel'],
      imageUrls: ['https://cdn.example.com/s/1.jpg'],
      attributes: { shopifyProductId: '1', tags: ['cotton', 'summer'] },
      price: { amount: 150, currency: 'EUR' },
      status: 'active',
      onHand: 7,
    });
  });

  it('when a cursor page fails after retries, then the listing stops there and the run is partial', async () => {
    supplier.products = Array.from({ length: 25 }, (_, i) => shopifyProduct(i + 1));
    supplier.fault('page=10', { status: 502 }, { status: 502 }, { status: 502 });
    const { summary } = await syncOnce('shopify');
    expect(summary.complete).toBe(false);
    expect(summary.fetched).toBe(10);
    expect(summary.errors).toEqual([expect.stringMatching(/^page 1: supplier answered 502 .*later pages not reachable$/)]);
  });
});
