import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type express from 'express';
import request from 'supertest';
import { createLogger, createServiceMetrics } from '@shop/platform';
import { createGatewayApp } from '../src/gateway-app';
import { documentCacheControl, hashedAssetCacheControl, webAppContentSecurityPolicy } from '../src/web-app';

const logger = createLogger({ service: 'test', level: 'silent' });
const indexHtml = '<!doctype html><html><head><script type="module" src="/assets/index-Ab12Cd34.js"></script></head><body><div id="root"></div></body></html>';

describe('gateway serving the built web app', () => {
  let dir: string;
  let gateway: express.Express;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'web-app-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), indexHtml);
    await writeFile(join(dir, 'assets', 'index-Ab12Cd34.js'), 'console.log("app");');
    await writeFile(join(dir, 'robots.txt'), 'User-agent: *\n');
    gateway = createGatewayApp({
      logger,
      metrics: createServiceMetrics('gateway', { collectProcessMetrics: false }),
      // No service is reachable: API paths must still answer as API (502 problem), never as the page.
      serviceUrls: { catalog: 'http://127.0.0.1:1' },
      webAppDir: dir,
    }).app;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when the home page is requested, then index.html comes back revalidated on every use and with the CSP', async () => {
    const res = await request(gateway).get('/').set('accept', 'text/html').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toBe(indexHtml);
    expect(res.headers['cache-control']).toBe(documentCacheControl);
    expect(res.headers['content-security-policy']).toBe(webAppContentSecurityPolicy);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('when the page is revalidated with its ETag, then the answer is a 304', async () => {
    const first = await request(gateway).get('/').set('accept', 'text/html').expect(200);
    expect(first.headers.etag).toBeDefined();
    await request(gateway).get('/').set('accept', 'text/html').set('if-none-match', first.headers.etag).expect(304);
  });

  it('when a client-side route is opened or reloaded, then the same page is served', async () => {
    for (const path of ['/products/0b7c3c9e-4f4e-4d8a-9a57-2f1d8b0c6a11', '/account/orders', '/admin/products?q=lamp', '/checkout']) {
      const res = await request(gateway).get(path).set('accept', 'text/html,application/xhtml+xml,*/*;q=0.8').expect(200);
      expect(res.text).toBe(indexHtml);
      expect(res.headers['cache-control']).toBe(documentCacheControl);
    }
  });

  it('when the app is rebuilt while the gateway runs, then the next page load serves the new index.html and ETag', async () => {
    const before = await request(gateway).get('/checkout').set('accept', 'text/html').expect(200);
    const rebuilt = indexHtml.replace('index-Ab12Cd34', 'index-Ef56Gh78');
    await writeFile(join(dir, 'index.html'), rebuilt);
    const later = new Date(Date.now() + 60_000);
    await utimes(join(dir, 'index.html'), later, later);
    const after = await request(gateway).get('/checkout').set('accept', 'text/html').set('if-none-match', before.headers.etag).expect(200);
    expect(after.text).toBe(rebuilt);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    await writeFile(join(dir, 'index.html'), indexHtml);
    const latest = new Date(Date.now() + 120_000);
    await utimes(join(dir, 'index.html'), latest, latest);
  });

  it('when a hashed asset is requested, then it may be cached for a year', async () => {
    const res = await request(gateway).get('/assets/index-Ab12Cd34.js').expect(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe(hashedAssetCacheControl);
  });

  it('when an unhashed file beside index.html is requested, then it is cached briefly', async () => {
    const res = await request(gateway).get('/robots.txt').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('when a missing asset is requested, then it is a 404 problem, never the page', async () => {
    const res = await request(gateway).get('/assets/index-Old00000.js').set('accept', 'text/html,*/*').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('when an API path or a platform endpoint is requested, then the page never answers for it', async () => {
    const api = await request(gateway).get('/api/nothing-here').set('accept', 'text/html').expect(404);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
    const unreachable = await request(gateway).get('/api/catalog/products').set('accept', 'text/html').expect(502);
    expect(unreachable.headers['content-type']).toMatch(/application\/problem\+json/);
    await request(gateway).get('/healthz').expect(200, { status: 'ok' });
  });

  it('when a non-page request reaches an unknown path, then it is a 404 problem', async () => {
    await request(gateway).get('/products/1').set('accept', 'application/json').expect(404);
    await request(gateway).post('/products/1').set('accept', 'text/html').send({}).expect(404);
  });

  it('when a path tries to leave the folder, then nothing outside it is served', async () => {
    const res = await request(gateway).get('/assets/..%2f..%2fetc%2fpasswd').set('accept', 'text/html');
    expect([400, 403, 404]).toContain(res.status);
    expect(res.text).not.toContain('root:');
  });
});
