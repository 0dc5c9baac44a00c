import { isIsoCurrencyCode, rejectionReasonOf, syncRecordSchema, type FinishSyncRunBody } from '@shop/contracts';
import type { CatalogSyncRuns } from '../../src/sync/catalog-sync-runs';
import { DummyJsonSource } from '../../src/sync/dummyjson-source';
import { runCatalogSync } from '../../src/sync/run-catalog-sync';
import { ShopifySource } from '../../src/sync/shopify-source';
import type { SyncBatch, SyncBatchPublisher } from '../../src/sync/sync-batch-publisher';
import { SupplierHttpClient } from '../../src/sync/supplier-http-client';
import { loadSyncSettings } from '../../src/sync/sync-settings';
import { SupplierStandIn, dummyProduct, dummyRecord, shopifyProduct } from './supplier-stand-in';

// Catalog's bulk upsert validates every record with `syncRecordSchema` of @shop/contracts; the sync must refuse
// exactly the records catalog refuses, with catalog's reason. The copy of the schema the sync once kept accepted any
// three upper-case letters as a currency, while catalog accepts only the ISO 4217 codes the runtime knows.

/** Three upper-case letters, so the old copy let it through, but no ISO 4217 currency. */
const unknownCurrency = 'ABC';

function httpClient(baseUrl: string): SupplierHttpClient {
  const limits = { trustedOrigin: new URL(baseUrl).origin, maxResponseBytes: 1024 * 1024 };
  return new SupplierHttpClient({ sourceName: 'acme', timeoutMs: 1000, maxRetries: 0, concurrency: 2, breakerThreshold: 5, breakerHalfOpenMs: 1000, ...limits });
}

function dummySource(baseUrl: string, currency: string): DummyJsonSource {
  return new DummyJsonSource({ name: 'acme', baseUrl, currency, pageSize: 10, maxPages: 100, pageConcurrency: 1, timeoutMs: 1000, http: httpClient(baseUrl) });
}

describe('the sync validates records with catalog’s own schema', () => {
  let supplier: SupplierStandIn;
  beforeEach(async () => {
    supplier = await new SupplierStandIn().start();
  });
  afterEach(() => supplier.stop());

  it('when a supplier prices in a three-letter currency catalog refuses, then the sync refuses the record with the reason catalog gives', () => {
    expect(isIsoCurrencyCode(unknownCurrency)).toBe(false);
    const catalogVerdict = syncRecordSchema.safeParse(dummyRecord(unknownCurrency));
    if (catalogVerdict.success) throw new Error(`catalog's record schema accepted the currency ${unknownCurrency}`);
    const catalogReason = rejectionReasonOf(catalogVerdict.error);
    expect(catalogReason).toBe('price.currency: must be an upper-case ISO 4217 currency code such as EUR');

    expect(dummySource(supplier.url, unknownCurrency).normalise(dummyProduct(1))).toEqual({ ok: false, externalId: '1', reason: catalogReason });
    const shopify = new ShopifySource({ name: 'acme', baseUrl: supplier.url, currency: unknownCurrency, pageSize: 10, maxPages: 100, timeoutMs: 1000, http: httpClient(supplier.url) });
    expect(shopify.normalise({ id: 10, product: shopifyProduct(1), variant: { id: 10, sku: 'SH-1', price: '1.50' } })).toEqual({ ok: false, externalId: '10', reason: catalogReason });
  });

  it('when the same record is priced in a currency catalog accepts, then catalog and the sync both accept it, and the sync sends what catalog validated', () => {
    const catalogVerdict = syncRecordSchema.safeParse(dummyRecord('EUR'));
    expect(catalogVerdict.success).toBe(true);
    expect(dummySource(supplier.url, 'EUR').normalise(dummyProduct(1))).toEqual({ ok: true, record: catalogVerdict.data });
  });

  it('when a whole run reads a source in that currency, then nothing is sent and every record is reported rejected with catalog’s reason', async () => {
    supplier.products = Array.from({ length: 3 }, (_, i) => dummyProduct(i + 1));
    const batches: SyncBatch[] = [];
    const finishes: FinishSyncRunBody[] = [];
    const publisher: SyncBatchPublisher = { publishBatch: async (batch) => void batches.push(batch), close: async () => undefined };
    const catalog: CatalogSyncRuns = {
      openRun: async (source) => ({ runId: 'run-abc', source, startedAt: new Date(0).toISOString() }),
      finishRun: async (_runId, report) => {
        finishes.push(report);
        return {};
      },
    };
    const summary = await runCatalogSync({ source: dummySource(supplier.url, unknownCurrency), trigger: 'cli' }, { catalog, publisher, batchSize: 10 });
    expect(batches).toEqual([]);
    const reason = 'price.currency: must be an upper-case ISO 4217 currency code such as EUR';
    expect(summary.rejected).toEqual(['1', '2', '3'].map((externalId) => ({ externalId, reason })));
    expect(finishes).toEqual([{ complete: true, batches: 0, fetched: 3, rejected: summary.rejected, errors: [] }]);
  });

  it('when a source is configured with that currency, then the sync settings are refused at start', () => {
    const sources = (currency: string) => JSON.stringify([{ name: 'acme', kind: 'dummyjson', baseUrl: 'https://supplier.example.com', currency }]);
    expect(() => loadSyncSettings({ SYNC_SOURCES: sources(unknownCurrency) })).toThrow(/SYNC_SOURCES\.0\.currency: must be an upper-case ISO 4217 currency code/);
    expect(loadSyncSettings({ SYNC_SOURCES: sources('JPY') }).SYNC_SOURCES[0].currency).toBe('JPY');
  });
});
