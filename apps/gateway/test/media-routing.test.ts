import request from 'supertest';
import { createHttpApp, createLogger, createServiceMetrics, listen, type RunningServer } from '@shop/platform';
import { appIdForPath, createGatewayApp } from '../src/gateway-app';

const logger = createLogger({ service: 'test', level: 'silent' });

/** A stand-in catalog that answers every path with what it received. */
function echoCatalog(): Promise<RunningServer> {
  const app = createHttpApp({
    service: 'catalog',
    logger,
    metrics: createServiceMetrics('catalog', { collectProcessMetrics: false }),
    mountRoutes: (a) => {
      a.all('/{*path}', (req, res) => {
        res.set('Content-Type', 'image/webp').set('Cache-Control', 'public, max-age=31536000, immutable').set('x-served-by', 'catalog').send(Buffer.from(req.originalUrl));
      });
    },
  });
  return listen(app, { port: 0, host: '127.0.0.1', logger });
}

describe('gateway media routing', () => {
  let catalog: RunningServer;

  beforeAll(async () => {
    catalog = await echoCatalog();
  });
  afterAll(() => catalog.stop());

  const gatewayFor = (serviceUrls: Parameters<typeof createGatewayApp>[0]['serviceUrls']) =>
    createGatewayApp({ logger, metrics: createServiceMetrics('gateway', { collectProcessMetrics: false }), serviceUrls, upstreamTimeoutMs: 500 }).app;

  it('when a path is under /media, then it belongs to catalog, and look-alikes do not', () => {
    expect(appIdForPath('/media/abc/640.webp')).toBe('catalog');
    expect(appIdForPath('/mediafiles/x')).toBeUndefined();
  });

  it('when a media object is asked for, then catalog gets the full path and its headers come back unchanged', async () => {
    const name = `${'a'.repeat(64)}/640.webp`;
    const res = await request(gatewayFor({ catalog: catalog.url })).get(`/media/${name}`).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['x-served-by']).toBe('catalog');
    expect(res.headers['content-type']).toBe('image/webp');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(res.body as Buffer).toString()).toBe(`/media/${name}`);
  });

  it('when no catalog is up, then a media path is a 404 problem, not the web app', async () => {
    const res = await request(gatewayFor({})).get('/media/x/1.jpeg');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});
