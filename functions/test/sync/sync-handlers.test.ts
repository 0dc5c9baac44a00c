import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest, InvocationContext, type Timer } from '@azure/functions';
import { AccessTokenSigner, generateSigningKey } from '@shop/auth-tokens';
import { HttpCatalogSyncRuns } from '../../src/sync/catalog-sync-runs';
import type { SyncBatch, SyncBatchPublisher } from '../../src/sync/sync-batch-publisher';
import { createCatalogSyncHandlers } from '../../src/sync/sync-handlers';
import { createJwksVerifier, createProductSource, type SyncRuntime } from '../../src/sync/sync-runtime';
import { loadSyncSettings } from '../../src/sync/sync-settings';
import { FakeCatalog } from './fake-catalog';
import { SupplierStandIn, dummyProduct } from './supplier-stand-in';

const signer = new AccessTokenSigner({ keys: [generateSigningKey()] });
let supplier: SupplierStandIn;
let catalog: FakeCatalog;
let jwksServer: Server;
let batches: SyncBatch[];
let runtime: SyncRuntime;
const logs: string[] = [];

const context = (functionName: string) =>
  new InvocationContext({ invocationId: 'inv-1', functionName, logHandler: (level, ...args) => logs.push(`${level}: ${args.map(String).join(' ')}`) });

beforeAll(async () => {
  jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(signer.jwks())));
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => jwksServer.close(resolve));
});

beforeEach(async () => {
  supplier = await new SupplierStandIn().start();
  catalog = await new FakeCatalog().start();
  supplier.products = Array.from({ length: 5 }, (_, i) => dummyProduct(i + 1));
  const settings = loadSyncSettings({
    SYNC_SOURCES: JSON.stringify([
      { name: 'acme', kind: 'dummyjson', baseUrl: supplier.url },
      { name: 'down', kind: 'dummyjson', baseUrl: 'http://127.0.0.1:9/' },
    ]),
    SYNC_TIMEOUT_MS: '300',
    SYNC_MAX_RETRIES: '0',
    CATALOG_INTERNAL_URL: catalog.url,
    AUTH_JWKS_URL: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`,
  });
  batches = [];
  const publisher: SyncBatchPublisher = { publishBatch: async (batch) => void batches.push(batch), close: async () => {} };
  runtime = {
    sources: new Map(settings.SYNC_SOURCES.map((config) => [config.name, createProductSource(config, settings, {})])),
    catalog: new HttpCatalogSyncRuns({ catalogUrl: catalog.url }),
    publisher,
    batchSize: 100,
    verifier: createJwksVerifier(settings.AUTH_JWKS_URL!),
  };
});
afterEach(async () => {
  await supplier.stop();
  await catalog.stop();
});

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: true },
  scheduleStatus: { last: '2024-01-01T00:00:00.000Z', next: '2024-01-01T06:00:00.000Z', lastUpdated: '2024-01-01T00:00:00.000Z' },
};

function manualRequest(token: string | undefined, source?: string): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    url: `http://localhost:7071/api/sync${source ? `/${source}` : ''}`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    params: source ? { source } : {},
  });
}

describe('catalog sync Functions handlers', () => {
  it('when the timer fires, then every source is synced with trigger timer and a failing source does not stop the others', async () => {
    const handlers = createCatalogSyncHandlers(() => runtime);
    const result = await handlers.catalogSyncTimer(timer, context('catalogSyncTimer'));
    expect(result.runs.map((r) => [r.source, r.trigger, r.complete, r.fetched])).toEqual([
      ['acme', 'timer', true, 5],
      ['down', 'timer', false, 0],
    ]);
    expect(batches).toHaveLength(1);
    expect(catalog.calls.filter((c) => c.path === '/internal/catalog/sync-runs').map((c) => c.body)).toEqual([
      { source: 'acme', trigger: 'timer' },
      { source: 'down', trigger: 'timer' },
    ]);
    expect(catalog.finishes()[1]).toMatchObject({ complete: false, batches: 0 });
    expect(logs.some((line) => line.startsWith('warning: catalog sync down finished'))).toBe(true);
  });

  it('when an admin posts to sync/{source}, then that source is synced and the answer is 202 with the summary', async () => {
    const handlers = createCatalogSyncHandlers(() => runtime);
    const token = signer.sign({ userId: 'u1', email: 'admin@example.com', roles: ['admin'] });
    const response = await handlers.catalogSyncManual(manualRequest(token, 'acme'), context('catalogSyncManual'));
    expect(response.status).toBe(202);
    expect(response.jsonBody).toMatchObject({ runs: [{ source: 'acme', trigger: 'manual', complete: true, fetched: 5, sentBatches: 1 }], failed: [] });
  });

  it('when the token is missing, not an admin, or the source unknown, then 401, 403 or 404 and nothing is synced', async () => {
    const handlers = createCatalogSyncHandlers(() => runtime);
    const customer = signer.sign({ userId: 'u2', email: 'c@example.com', roles: ['customer'] });
    const admin = signer.sign({ userId: 'u1', email: 'admin@example.com', roles: ['admin'] });
    expect((await handlers.catalogSyncManual(manualRequest(undefined, 'acme'), context('m'))).status).toBe(401);
    expect((await handlers.catalogSyncManual(manualRequest('garbage', 'acme'), context('m'))).status).toBe(401);
    expect((await handlers.catalogSyncManual(manualRequest(customer, 'acme'), context('m'))).status).toBe(403);
    expect((await handlers.catalogSyncManual(manualRequest(admin, 'nope'), context('m'))).status).toBe(404);
    expect(catalog.calls).toHaveLength(0);
  });
});
