import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@shop/postgres';
import { describeWithBackends, jsonClient, uniqueTestTag } from '@shop/testing';
import { freePort, startServiceProcess, type ServiceProcess } from './service-processes';

// The production shape of tracing: every service is its own Node process started as the image starts it, with the
// platform's preload in NODE_OPTIONS, exporting through the Azure Monitor distro to what the connection string names
// as Application Insights' ingestion endpoint. Here that endpoint is a stand-in on loopback that keeps every
// envelope, so the test reads exactly what Application Insights would receive: requests and dependencies, each with
// the trace (ai.operation.id), its own span id and its parent's.

/** One telemetry item as the exporter sends it (the fields this test reads). */
interface Envelope {
  name: string;
  tags: Record<string, string>;
  data: { baseType: string; baseData: { id?: string; name?: string; url?: string; type?: string; data?: string; responseCode?: string; resultCode?: string } };
}

/**
 * Application Insights' ingestion API (POST /v2.1/track, a JSON array of envelopes), keeping what it receives. Over
 * HTTPS, as the exporter insists, with a certificate made for the run that the services trust through
 * NODE_EXTRA_CA_CERTS (certificate checks stay on).
 */
async function startIngestionStandIn(): Promise<{ url: string; envelopes: Envelope[]; server: Server; certificateFile: string; dispose(): Promise<void> }> {
  const folder = mkdtempSync(join(tmpdir(), 'ingestion-'));
  const keyFile = join(folder, 'key.pem');
  const certificateFile = join(folder, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certificateFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const envelopes: Envelope[] = [];
  const server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certificateFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let received = 0;
      if (req.method === 'POST' && req.url?.includes('/track')) {
        const body = Buffer.concat(chunks);
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
        const items = JSON.parse(text) as Envelope[];
        envelopes.push(...items);
        received = items.length;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ itemsReceived: received, itemsAccepted: received, errors: [] }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const dispose = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(folder, { recursive: true, force: true });
  };
  return { url: `https://127.0.0.1:${(server.address() as { port: number }).port}/`, envelopes, server, certificateFile, dispose };
}

const preload = join(__dirname, '..', '..', 'packages', 'platform', 'dist', 'telemetry-preload.js');

describeWithBackends(['postgres', 'redis'], 'traces across the platform as separate processes with the telemetry preload', (urls) => {
  const apps = ['auth', 'catalog', 'cart', 'order'];
  const databases: ThrowawayDatabase[] = [];
  const services: ServiceProcess[] = [];
  let ingestion: Awaited<ReturnType<typeof startIngestionStandIn>>;
  let gatewayUrl = '';
  const call = jsonClient(() => gatewayUrl);

  beforeAll(async () => {
    ingestion = await startIngestionStandIn();
    const ports = Object.fromEntries(await Promise.all([...apps, 'gateway'].map(async (app) => [app, await freePort()] as const)));
    const serviceUrls = apps.map((app) => `${app}=http://127.0.0.1:${ports[app]}`).join(',');
    const telemetry = {
      NODE_OPTIONS: `--require ${preload}`,
      NODE_EXTRA_CA_CERTS: ingestion.certificateFile,
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${randomUUID()};IngestionEndpoint=${ingestion.url};LiveEndpoint=${ingestion.url}`,
      // Only traces matter here: no live metrics stream, no SDK self-telemetry to Microsoft's endpoints.
      APPLICATIONINSIGHTS_CONFIGURATION_CONTENT: JSON.stringify({ enableLiveMetrics: false }),
      APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL: 'true',
      LOG_LEVEL: 'info',
    };
    const common = {
      ...telemetry,
      REDIS_URL: urls.redis,
      BUILDING_BLOCKS: 'redis',
      REDIS_KEY_PREFIX: uniqueTestTag('trace'),
      SERVICE_URLS: serviceUrls,
      APP_API_TOKEN: randomBytes(24).toString('base64url'),
    };
    const databaseFor = async (app: string) => {
      const database = await createThrowawayDatabase(urls.postgres, `trace${app}`);
      databases.push(database);
      return database.url;
    };
    const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const perApp: Record<string, () => Promise<Record<string, string>>> = {
      auth: async () => ({ DATABASE_URL: await databaseFor('auth'), AUTH_SIGNING_KEYS: signingKey, ADMIN_EMAIL: 'admin@trace.example', ADMIN_PASSWORD: 'trace-Admin-password-42', PASSWORD_HASH_COST: '1024' }),
      catalog: async () => ({ DATABASE_URL: await databaseFor('catalog'), SEED_DEMO_CATALOG: 'false' }),
      cart: async () => ({}),
      order: async () => ({ DATABASE_URL: await databaseFor('order'), PAYMENT_TIMEOUT_MS: '2000' }),
    };
    for (const app of apps) services.push(await startServiceProcess(app, ports[app], { ...common, OTEL_SERVICE_NAME: app, ...(await perApp[app]()) }));
    services.push(await startServiceProcess('gateway', ports.gateway, { ...telemetry, OTEL_SERVICE_NAME: 'gateway', SERVICE_URLS: serviceUrls }));
    gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  }, 180_000);

  afterAll(async () => {
    for (const service of [...services].reverse()) await service.stop();
    for (const database of databases) await database.drop().catch(() => undefined);
    await ingestion?.dispose();
  }, 60_000);

  it('when a shopper places an order through the gateway, then one connected trace covers gateway, order, cart, catalog and their SQL, and that request\'s log lines carry its trace id', async () => {
    const admin = (await call('POST', '/api/auth/login', { body: { email: 'admin@trace.example', password: 'trace-Admin-password-42' } })).body.accessToken as string;
    const created = await call('POST', '/api/catalog/products', {
      token: admin,
      body: { sku: `TRACE-${Date.now()}`, name: 'Traced Kettle', description: 'A kettle for the tracing test', brand: 'E2E', price: { amount: 4599, currency: 'EUR' }, status: 'active' },
    });
    expect(created.status).toBe(201);
    expect((await call('PUT', `/api/catalog/products/${created.body.id}/inventory`, { token: admin, headers: { 'if-match': created.headers.get('etag')! }, body: { onHand: 5 } })).status).toBe(200);
    const email = `tracer-${Date.now()}@example.com`;
    expect((await call('POST', '/api/auth/register', { body: { email, password: 'correct horse battery', name: 'Tracer' } })).status).toBe(202);
    const token = (await call('POST', '/api/auth/login', { body: { email, password: 'correct horse battery' } })).body.accessToken as string;
    expect((await call('POST', '/api/cart/items', { token, body: { productId: created.body.id, quantity: 1 } })).status).toBe(200);

    const requestId = `trace-${randomUUID()}`;
    const placed = await call('POST', '/api/orders', {
      token,
      headers: { 'idempotency-key': `trace-${Date.now()}`, 'x-request-id': requestId },
      body: { shippingAddress: { name: 'Tracer', line1: '1 Main St', city: 'Porto', postalCode: '4000-001', country: 'PT' }, paymentToken: 'pm_sim_approve' },
    });
    expect(placed.status).toBe(201);

    // SIGTERM: each service drains and flushes its spans (the distro batches them for 5 s) before it exits.
    for (const service of [...services].reverse()) await service.stop();
    const output = services.map((service) => `--- ${service.appId}\n${service.output()}`).join('\n');

    const spans = ingestion.envelopes.filter((e) => e.data?.baseType === 'RequestData' || e.data?.baseType === 'RemoteDependencyData');
    const role = (e: Envelope) => e.tags['ai.cloud.role'];
    const entry = spans.find((e) => role(e) === 'gateway' && e.data.baseType === 'RequestData' && e.data.baseData.url?.endsWith('/api/orders'));
    if (!entry) throw new Error(`no gateway request "POST /api/orders" among ${spans.length} spans: ${spans.map((e) => `${role(e)} ${e.data.baseData.name}`).join(', ')}\n${output}`);
    const traceId = entry.tags['ai.operation.id'];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const trace = spans.filter((e) => e.tags['ai.operation.id'] === traceId);

    // One trace through every service of the checkout, with the SQL statements of those that own a database.
    const requestsByService = new Set(trace.filter((e) => e.data.baseType === 'RequestData').map(role));
    expect([...requestsByService].sort()).toEqual(expect.arrayContaining(['cart', 'catalog', 'gateway', 'order']));
    const sqlByService = new Set(trace.filter((e) => e.data.baseData.type === 'postgresql').map(role));
    expect(sqlByService.has('order')).toBe(true);
    expect(sqlByService.has('catalog')).toBe(true);
    // The order's own route is named by its template, not by the bare method.
    expect(trace.some((e) => role(e) === 'order' && e.data.baseType === 'RequestData' && /^POST \/api\/orders\/?$/.test(e.data.baseData.name ?? ''))).toBe(true);

    // Connected: the gateway's request is the root, and every other span's parent is a span of this trace.
    const ids = new Set(trace.map((e) => e.data.baseData.id));
    expect(entry.tags['ai.operation.parentId']).toBeUndefined();
    const orphans = trace.filter((e) => e !== entry && !ids.has(e.tags['ai.operation.parentId']));
    expect(orphans.map((e) => `${role(e)} ${e.data.baseData.name} (parent ${e.tags['ai.operation.parentId']})`)).toEqual([]);

    // The request's log lines, in every process it went through, carry the trace id of the trace above.
    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { service?: string; requestId?: string; trace_id?: string; span_id?: string });
    const ofRequest = lines.filter((line) => line.requestId === requestId);
    expect(new Set(ofRequest.map((line) => line.service))).toEqual(new Set(['gateway', 'order', 'cart', 'catalog']));
    expect(ofRequest.filter((line) => line.trace_id !== traceId)).toEqual([]);
    // And each line's span is one of the trace's spans.
    expect(ofRequest.filter((line) => !ids.has(line.span_id))).toEqual([]);
  }, 120_000);
});
