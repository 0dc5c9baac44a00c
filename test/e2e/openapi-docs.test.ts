import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { ApiDocsPaths, apiDocsPageAssets, platformOpenApiDocument } from '@shop/api-docs';
import { createGatewayApp, webAppContentSecurityPolicy } from '@shop/gateway';
import { createLogger, createServiceMetrics, listen, type RunningServer } from '@shop/platform';
import { chromiumTestFlags, describeWithChromium } from '@shop/testing';

/**
 * The gateway serves the OpenAPI document and the page that renders it, over HTTP, as `npm start` (the launcher runs
 * this same gateway app in-process) and the standalone gateway do. No service is needed: no service owns these paths.
 */
const logger = createLogger({ service: 'openapi-docs-test', level: 'silent' });

/** An answer read to its end. */
interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text(): string;
}

/**
 * A plain HTTP GET, as a browser revalidating its cache sends it (fetch() would add `Cache-Control: no-cache` to a
 * request with If-None-Match, which asks the server not to answer from the validator).
 */
function httpGet(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, text: () => body.toString('utf8') });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

async function startGateway(): Promise<RunningServer> {
  const gateway = createGatewayApp({ logger, metrics: createServiceMetrics('gateway', { collectProcessMetrics: false }), serviceUrls: {} });
  return listen(gateway, { port: 0, host: '127.0.0.1', logger });
}

describe('the API docs served by the gateway', () => {
  let gateway: RunningServer;

  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(async () => {
    await gateway.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}) => httpGet(`${gateway.url}${path}`, headers);

  it('when /api/openapi.json is read, then it is the platform\'s document as JSON, to be revalidated against its ETag', async () => {
    const response = await get(ApiDocsPaths.document);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(JSON.parse(response.text())).toEqual(JSON.parse(JSON.stringify(platformOpenApiDocument())));
  });

  it('when the client holds the current document, then the answer is 304 without a body', async () => {
    const etag = (await get(ApiDocsPaths.document)).headers.etag!;
    const revalidated = await get(ApiDocsPaths.document, { 'If-None-Match': etag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
    expect((await get(ApiDocsPaths.document, { 'If-None-Match': '"an-older-build"' })).status).toBe(200);
  });

  it('when /api/docs is opened, then the page comes with the web app\'s Content-Security-Policy and loads only scripts of this origin', async () => {
    for (const path of [ApiDocsPaths.page, `${ApiDocsPaths.page}/`]) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['content-security-policy']).toBe(webAppContentSecurityPolicy);
      expect(response.headers['cache-control']).toBe('no-cache');
      const page = response.text();
      expect(page).toContain('<div id="swagger-ui"></div>');
      const scripts = [...page.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
      expect(scripts.map(([, attributes]) => /src="([^"]+)"/.exec(attributes)?.[1])).toEqual(['/api/docs/swagger-ui-bundle.js', '/api/docs/swagger-initializer.js']);
      expect(scripts.every(([, , inline]) => inline.trim() === '')).toBe(true);
    }
  });

  it('when the page loads its files, then each is served with its type, and the initializer points Swagger UI at the document', async () => {
    const page = (await get(ApiDocsPaths.page)).text();
    const loaded = [...page.matchAll(/(?:src|href)="(\/api\/docs\/[^"]+)"/g)].map((match) => match[1]);
    expect(loaded.sort()).toEqual([...apiDocsPageAssets.keys()].map((name) => `/api/docs/${name}`).sort());
    const types: Record<string, RegExp> = { js: /^(text|application)\/javascript/, css: /^text\/css/, png: /^image\/png/ };
    for (const path of loaded) {
      const response = await get(path);
      expect([path, response.status]).toEqual([path, 200]);
      expect(response.headers['content-type']).toMatch(types[path.split('.').pop()!]);
      expect(response.body.length).toBeGreaterThan(100);
    }
    expect((await get('/api/docs/swagger-initializer.js')).text()).toContain(`url: '${ApiDocsPaths.document}'`);
  });

  it('when a file of swagger-ui-dist that the page does not load is asked for, or a path out of the folder, then 404 problem+json', async () => {
    for (const path of ['/api/docs/index.html', '/api/docs/oauth2-redirect.html', '/api/docs/..%2Fpackage.json', '/api/docs/nested/swagger-ui.css']) {
      const response = await get(path);
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});

describeWithChromium('the API docs page in headless Chromium', (executablePath) => {
  let gateway: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGateway(), chromium.launch({ executablePath, args: chromiumTestFlags, headless: true })]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it('when /api/docs is opened, then Swagger UI renders every tag of the document, with no script error and nothing refused by the CSP', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    await page.goto(`${gateway.url}${ApiDocsPaths.page}`);
    await page.waitForSelector('.opblock-tag', { timeout: 20_000 });
    const tags = await page.$$eval('.opblock-tag', (elements) => elements.map((element) => element.getAttribute('data-tag')));
    expect(tags).toEqual((platformOpenApiDocument().tags ?? []).map((tag) => tag.name));
    expect(await page.textContent('.info .title')).toContain(platformOpenApiDocument().info.title);
    expect(problems).toEqual([]);
  }, 60_000);
});
