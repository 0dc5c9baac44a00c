import express from 'express';
import request from 'supertest';
import { createHttpApp, createLogger, createServiceMetrics, listen, type RunningServer } from '@shop/platform';
import { appIdForPath, createGatewayApp } from '../src/gateway-app';

const logger = createLogger({ service: 'test', level: 'silent' });

/** Answers of the stand-in services' `/slow` routes, held until the suite ends (longer than any gateway timeout). */
const heldResponses: express.Response[] = [];

/** A stand-in service that echoes what it received; `.../slow` answers only when the suite ends. */
async function echoService(name: string): Promise<RunningServer> {
  const app = createHttpApp({
    service: name,
    logger,
    metrics: createServiceMetrics(name, { collectProcessMetrics: false }),
    mountRoutes: (a) => {
      a.all('/{*path}', (req, res) => {
        if (req.path.endsWith('/slow')) {
          heldResponses.push(res);
          return;
        }
        res.status(req.method === 'POST' ? 201 : 200).set('x-served-by', name).json({
          service: name,
          method: req.method,
          url: req.originalUrl,
          body: req.body ?? null,
          requestId: req.header('x-request-id'),
          traceparent: req.header('traceparent'),
          forwardedFor: req.header('x-forwarded-for'),
        });
      });
    },
  });
  return listen(app, { port: 0, host: '127.0.0.1', logger });
}

describe('gateway routing', () => {
  let auth: RunningServer;
  let catalog: RunningServer;
  let gateway: express.Express;

  beforeAll(async () => {
    [auth, catalog] = await Promise.all([echoService('auth'), echoService('catalog')]);
    gateway = createGatewayApp({
      logger,
      metrics: createServiceMetrics('gateway', { collectProcessMetrics: false }),
      serviceUrls: { auth: auth.url, catalog: catalog.url, cart: 'http://127.0.0.1:1' },
      upstreamTimeoutMs: 500,
    }).app;
  });
  afterAll(async () => {
    for (const res of heldResponses.splice(0)) res.json({});
    await Promise.all([auth.stop(), catalog.stop()]);
  });

  it('when a path has a known prefix, then it maps to its app, and look-alike prefixes do not', () => {
    expect(appIdForPath('/api/catalog/products')).toBe('catalog');
    expect(appIdForPath('/api/catalog')).toBe('catalog');
    expect(appIdForPath('/api/catalogue/products')).toBeUndefined();
    expect(appIdForPath('/api/orders/123/cancel')).toBe('order');
  });

  it('when a request targets catalog, then it arrives with the full path and query, and the answer comes back unchanged', async () => {
    const res = await request(gateway).get('/api/catalog/products?q=red%20shoes&limit=5');
    expect(res.status).toBe(200);
    expect(res.headers['x-served-by']).toBe('catalog');
    expect(res.body).toMatchObject({ service: 'catalog', url: '/api/catalog/products?q=red%20shoes&limit=5' });
  });

  it('when a query follows the bare prefix of a service, then the request still reaches that service', async () => {
    const res = await request(gateway).get('/api/catalog?limit=20&cursor=abc');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ service: 'catalog', url: '/api/catalog?limit=20&cursor=abc' });
  });

  it('when a JSON body is posted, then it is streamed through untouched', async () => {
    const res = await request(gateway).post('/api/auth/login').send({ email: 'a@b.c', password: 'p' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ service: 'auth', method: 'POST', body: { email: 'a@b.c', password: 'p' } });
  });

  it('when a request id and traceparent come in, then the service receives the same request id and the same trace', async () => {
    const res = await request(gateway).get('/api/auth/me').set('x-request-id', 'req-42').set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(res.body.requestId).toBe('req-42');
    expect(res.body.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(res.body.forwardedFor).toBeDefined();
  });

  it('when no service owns the path, then 404 problem+json', async () => {
    const res = await request(gateway).get('/api/unknown/thing');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('when the service is down, then 502 problem+json from the platform error handler, with the instance and the request id', async () => {
    const res = await request(gateway).get('/api/cart?x=1').set('x-request-id', 'req-502');
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: 'urn:shop:problem:bad_gateway',
      title: 'Temporarily unavailable',
      status: 502,
      detail: 'The service is not reachable',
      instance: '/api/cart',
      requestId: 'req-502',
    });
  });

  it('when the service is too slow, then 504 problem+json from the platform error handler', async () => {
    const res = await request(gateway).get('/api/catalog/slow').set('x-request-id', 'req-504');
    expect(res.status).toBe(504);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: 'urn:shop:problem:gateway_timeout',
      title: 'Temporarily unavailable',
      status: 504,
      detail: 'The service did not answer in time',
      instance: '/api/catalog/slow',
      requestId: 'req-504',
    });
  });
});

describe('gateway in front of replicas', () => {
  let first: RunningServer;
  let second: RunningServer;
  beforeAll(async () => {
    [first, second] = await Promise.all([echoService('catalog-1'), echoService('catalog-2')]);
  });
  afterAll(async () => {
    await Promise.all([first.stop(), second.stop()]);
  });

  it('when an app has two URLs, then consecutive requests go to each in turn', async () => {
    const gateway = createGatewayApp({ logger, metrics: createServiceMetrics('gateway', { collectProcessMetrics: false }), serviceUrls: { catalog: [first.url, second.url] } }).app;
    const servedBy: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await request(gateway).get(`/api/catalog/products/${i}`);
      expect(res.status).toBe(200);
      servedBy.push(res.headers['x-served-by']);
    }
    expect(servedBy).toEqual(['catalog-1', 'catalog-2', 'catalog-1', 'catalog-2']);
  });

  it('when the replica whose turn it is is down, then that request answers 502 and is not sent to the other replica', async () => {
    const answers: string[] = [];
    const gateway = createGatewayApp({ logger, metrics: createServiceMetrics('gateway', { collectProcessMetrics: false }), serviceUrls: { catalog: ['http://127.0.0.1:1', second.url] } }).app;
    for (let i = 0; i < 4; i++) {
      const res = await request(gateway).post('/api/catalog/products').send({ n: i });
      answers.push(res.status === 201 ? `${res.headers['x-served-by']} ${JSON.stringify(res.body.body)}` : String(res.status));
    }
    expect(answers).toEqual(['502', 'catalog-2 {"n":1}', '502', 'catalog-2 {"n":3}']);
  });

  it('when an app is listed with no URL, then its paths answer 404 as if no service served them', async () => {
    const gateway = createGatewayApp({ logger, metrics: createServiceMetrics('gateway', { collectProcessMetrics: false }), serviceUrls: { catalog: [] } }).app;
    const res = await request(gateway).get('/api/catalog/products');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });
});

describe('gateway as the public listener', () => {
  /** A service behind the gateway that trusts it (TRUSTED_PROXIES=loopback) and tells which client address it saw. */
  async function addressEchoService(): Promise<RunningServer> {
    const app = createHttpApp({
      service: 'auth',
      logger,
      metrics: createServiceMetrics('auth', { collectProcessMetrics: false }),
      trustedProxies: ['loopback'],
      mountRoutes: (a) => {
        a.get('/api/auth/whoami', (req, res) => void res.json({ ip: req.ip, forwardedFor: req.header('x-forwarded-for') }));
        a.get('/api/auth/connection', (req, res) => void res.json({ gatewayPort: req.socket.remotePort, connection: req.header('connection') ?? null }));
      },
    });
    return listen(app, { port: 0, host: '127.0.0.1', logger });
  }

  let service: RunningServer;
  let gateway: RunningServer;
  beforeAll(async () => {
    service = await addressEchoService();
    gateway = await listen(createGatewayApp({ logger, metrics: createServiceMetrics('gateway', { collectProcessMetrics: false }), serviceUrls: { auth: service.url } }), { port: 0, host: '127.0.0.1', logger });
  });
  afterAll(async () => {
    await gateway.stop();
    await service.stop();
  });

  it('when /metrics is asked of the gateway, then 404 problem+json, while the service still answers /metrics on its own port', async () => {
    const throughGateway = await fetch(`${gateway.url}/metrics`);
    expect(throughGateway.status).toBe(404);
    expect(throughGateway.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await throughGateway.text()).not.toContain('http_request_duration');
    const direct = await fetch(`${service.url}/metrics`);
    expect(direct.status).toBe(200);
    expect(await direct.text()).toContain('http_request_duration');
  });

  it('when a path outside /api is asked (/internal, /readyz of a service), then the gateway answers it itself and never forwards it', async () => {
    for (const path of ['/internal/auth/users/1/contact', '/api/../internal/auth/users', '/auth/metrics']) {
      const res = await fetch(`${gateway.url}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('when requests follow one another, then the gateway reuses its connection to the service instead of opening one per request', async () => {
    const seen: Array<{ gatewayPort: number; connection: string | null }> = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${gateway.url}/api/auth/connection`);
      seen.push((await res.json()) as { gatewayPort: number; connection: string | null });
    }
    expect(seen.map((s) => s.connection)).not.toContain('close');
    expect(new Set(seen.map((s) => s.gatewayPort)).size).toBe(1);
  });

  it('when a client writes a new X-Forwarded-For on every request, then the service behind the gateway sees the same client address every time', async () => {
    const seen = new Set<string>();
    for (let i = 1; i <= 5; i++) {
      const res = await fetch(`${gateway.url}/api/auth/whoami`, { headers: { 'x-forwarded-for': `203.0.113.${i}` } });
      const body = (await res.json()) as { ip: string; forwardedFor: string };
      // Only the peer the gateway saw, once: nothing the client wrote.
      expect(body.forwardedFor).toBe('127.0.0.1');
      seen.add(body.ip);
    }
    expect([...seen]).toHaveLength(1);
    expect([...seen][0]).toMatch(/127\.0\.0\.1|::1/);
  });

  it('when the gateway trusts the proxy in front of it, then the client address that proxy wrote reaches the service', async () => {
    const trusting = await listen(
      createGatewayApp({ logger, metrics: createServiceMetrics('gateway', { collectProcessMetrics: false }), serviceUrls: { auth: service.url }, trustedProxies: ['loopback'] }),
      { port: 0, host: '127.0.0.1', logger },
    );
    try {
      const res = await fetch(`${trusting.url}/api/auth/whoami`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect((await res.json()) as { ip: string; forwardedFor: string }).toEqual({ ip: '203.0.113.9', forwardedFor: '203.0.113.9,127.0.0.1' });
    } finally {
      await trusting.stop();
    }
  });
});
