import express, { type Express } from 'express';
import { PartnerApiDocsPaths, platformOpenApiDocument, type OpenApiDocument } from '@shop/api-docs';
import { createAuthApp, loadAuthConfig } from '@shop/auth';
import { AccessTokenSigner, StaticJwks, TokenVerifier, generateSigningKey } from '@shop/auth-tokens';
import { HttpServiceInvoker, InMemoryEventBus, InMemoryStateStore } from '@shop/building-blocks';
import { createCartApp } from '@shop/cart';
import { createCatalogApp } from '@shop/catalog';
import { AppIds, RoutePrefixes } from '@shop/contracts';
import { loadOrderConfig, startOrderService, type RunningOrderService } from '@shop/order';
import { createLogger, createServiceMetrics } from '@shop/platform';
import { PgliteDatabase } from '@shop/postgres';
import { createEmbeddedBuildingBlocks } from '@shop/service-runtime';

/**
 * The OpenAPI document and the services agree route for route: every route an app serves is described, and every
 * operation the document describes is served. Each app is built as its own tests build it (in-memory building blocks,
 * PGlite), and its Express routes are read from its router stacks, mount prefixes included.
 */

/** One route: `GET /api/orders/{id}`, with OpenAPI's `{param}` for Express's `:param`. */
type RouteKey = string;

/** Routes every service has that are not its API: the platform's probes and metrics, the building blocks' subscriptions. */
function isPlatformRoute(path: string): boolean {
  return ['/healthz', '/readyz', '/metrics'].includes(path) || path === '/dapr' || path.startsWith('/dapr/') || isPartnerDocumentRoute(path);
}

/** The partner API's own document and its page (catalog serves them): a document does not describe itself, as the gateway's /api/docs does not. */
function isPartnerDocumentRoute(path: string): boolean {
  return path === PartnerApiDocsPaths.document || path === PartnerApiDocsPaths.page || path.startsWith(`${PartnerApiDocsPaths.page}/`);
}

/** What the enumeration reads of an Express 5 (router 2) layer. */
interface RouterLayer {
  name: string;
  /** The path the layer was mounted on (`app.use('/api/catalog', router)`); router 2.3 keeps it. */
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
}

/** Express's `:id` → OpenAPI's `{id}`; a path it cannot write as an OpenAPI template (wildcards, optional parts) throws. */
function toOpenApiPath(expressPath: string): string {
  if (/[*?{}()]/.test(expressPath)) throw new Error(`${expressPath}: wildcards and optional segments have no OpenAPI template; describe the route by hand and teach this test its paths`);
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** `/api/cart` + `/` → `/api/cart`; `/api` + `/items` → `/api/items`. */
function joinPaths(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/** Every route of an Express 5 app as `METHOD /path`, mounted routers included with their prefixes. */
function listExpressRoutes(app: Express): RouteKey[] {
  const routes: RouteKey[] = [];
  const walk = (stack: RouterLayer[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        if (typeof layer.route.path !== 'string') throw new Error(`A route under ${prefix || '/'} has a non-string path (${String(layer.route.path)}): teach this test to read it`);
        const path = joinPaths(prefix, layer.route.path);
        for (const [method, handled] of Object.entries(layer.route.methods)) {
          if (handled) routes.push(`${method === '_all' ? 'ALL' : method.toUpperCase()} ${path}`);
        }
      } else if (layer.handle.stack) {
        if (typeof layer.rawPath !== 'string') throw new Error(`A router under ${prefix || '/'} is mounted on a non-string path (${String(layer.rawPath)}): teach this test to read it`);
        walk(layer.handle.stack, joinPaths(prefix, layer.rawPath));
      } else if (layer.name === 'mounted_app') {
        throw new Error(`An Express app is mounted under ${prefix || '/'}: its routes cannot be listed; mount a Router instead`);
      }
    }
  };
  walk((app.router as unknown as { stack: RouterLayer[] }).stack, '');
  return routes.map((route) => route.replace(/ (.*)$/, (_, path: string) => ` ${toOpenApiPath(path)}`)).filter((route) => !isPlatformRoute(route.slice(route.indexOf(' ') + 1)));
}

/** Every operation of an OpenAPI document as `METHOD /path`. */
function listDocumentedOperations(document: OpenApiDocument): RouteKey[] {
  const methods = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) => methods.filter((method) => method in item).map((method) => `${method.toUpperCase()} ${path}`));
}

/**
 * Where the apps and the document disagree, as readable lines (none when they agree): what an app serves that the
 * document lacks, and what the document describes that no app serves.
 */
function routeDrift(servedByApp: Record<string, RouteKey[]>, documented: RouteKey[]): string[] {
  const served = new Map(Object.entries(servedByApp).flatMap(([app, routes]) => routes.map((route): [RouteKey, string] => [route, app])));
  const documentedSet = new Set(documented);
  const undocumented = [...served.keys()].filter((route) => !documentedSet.has(route)).sort();
  const unserved = documented.filter((route) => !served.has(route)).sort();
  return [
    ...undocumented.map((route) => `served by ${served.get(route)}, not in the OpenAPI document (describe it in packages/api-docs/src/paths): ${route}`),
    ...unserved.map((route) => `in the OpenAPI document, served by no app (remove or correct it): ${route}`),
  ];
}

describe('listing the routes of an app and comparing them with a document', () => {
  /** An app shaped like the services: a router on a prefix, one at the root with full paths, a route on the prefix itself. */
  function sampleApp(): Express {
    const app = express();
    const items = express.Router();
    items.get('/', (_req, res) => void res.end());
    items.patch('/items/:productId', (_req, res) => void res.end());
    const internal = express.Router();
    internal.post('/internal/things/:orderId/commit', (_req, res) => void res.end());
    app.use('/api/cart', items);
    app.use(internal);
    app.get('/healthz', (_req, res) => void res.end());
    app.post('/dapr/subscribe', (_req, res) => void res.end());
    return app;
  }

  it('when an app mounts routers on prefixes and at the root, then every route is listed with its full path, and the platform\'s own are left out', () => {
    expect(listExpressRoutes(sampleApp())).toEqual(['GET /api/cart', 'PATCH /api/cart/items/{productId}', 'POST /internal/things/{orderId}/commit']);
  });

  it('when an app and a document disagree, then both directions are named, route by route', () => {
    const served = { cart: listExpressRoutes(sampleApp()) };
    const documented = ['GET /api/cart', 'PATCH /api/cart/items/{id}', 'DELETE /api/cart', 'POST /internal/things/{orderId}/commit'];
    expect(routeDrift(served, documented)).toEqual([
      'served by cart, not in the OpenAPI document (describe it in packages/api-docs/src/paths): PATCH /api/cart/items/{productId}',
      'in the OpenAPI document, served by no app (remove or correct it): DELETE /api/cart',
      'in the OpenAPI document, served by no app (remove or correct it): PATCH /api/cart/items/{id}',
    ]);
    expect(routeDrift(served, listExpressRoutes(sampleApp()))).toEqual([]);
  });

  it('when a route cannot be written as an OpenAPI path, then listing it fails instead of skipping it', () => {
    const app = express();
    app.get('/files/*path', (_req, res) => void res.end());
    expect(() => listExpressRoutes(app)).toThrow('wildcards and optional segments have no OpenAPI template');
  });
});

describe('the OpenAPI document and the services', () => {
  const logger = createLogger({ service: 'openapi-routes-test', level: 'silent' });
  const signer = new AccessTokenSigner({ keys: [generateSigningKey()] });
  const verifier = new TokenVerifier({ jwks: new StaticJwks(signer.jwks()) });
  const metrics = (app: string) => createServiceMetrics(app, { collectProcessMetrics: false });
  const servedByApp: Record<string, RouteKey[]> = {};
  let authAndCatalogDb: PgliteDatabase;
  let orderDb: PgliteDatabase;
  let order: RunningOrderService | undefined;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    // Building an app runs no query: auth and catalog share a database that is never migrated. The order service is
    // started the way its own tests start it (it migrates its database), and its app is read from the running service.
    [authAndCatalogDb, orderDb] = await Promise.all([PgliteDatabase.open(), PgliteDatabase.open()]);

    const auth = createAuthApp({
      config: loadAuthConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
      logger,
      db: authAndCatalogDb,
      stateStore: new InMemoryStateStore(),
      signingKeys: [generateSigningKey()],
      metrics: metrics(AppIds.auth),
    });
    servedByApp[AppIds.auth] = listExpressRoutes(auth.app);

    const catalogBus = new InMemoryEventBus({ source: AppIds.catalog });
    const catalog = createCatalogApp({ db: authAndCatalogDb, stateStore: new InMemoryStateStore(), eventBus: catalogBus, verifier, logger, metrics: metrics(AppIds.catalog) });
    closers.push(() => catalog.analytics.close(), () => catalogBus.close());
    servedByApp[AppIds.catalog] = listExpressRoutes(catalog.app);

    const cartBus = new InMemoryEventBus({ source: AppIds.cart });
    const cart = createCartApp({ stateStore: new InMemoryStateStore(), eventBus: cartBus, invoker: new HttpServiceInvoker({ services: {} }), verifier, logger, metrics: metrics(AppIds.cart) });
    closers.push(() => cartBus.close());
    servedByApp[AppIds.cart] = listExpressRoutes(cart.app);

    order = await startOrderService({
      config: loadOrderConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', RECOVERY_INTERVAL_MS: '3600000', RECOVERY_STALE_AFTER_MS: '3600000' }),
      logger,
      blocks: createEmbeddedBuildingBlocks({ appId: AppIds.order, serviceUrls: {} }),
      db: orderDb,
      verifier,
      metrics: metrics(AppIds.order),
    });
    servedByApp[AppIds.order] = listExpressRoutes(order.app.app);
  }, 60_000);

  afterAll(async () => {
    await order?.stop();
    for (const close of closers) await close();
    await Promise.all([authAndCatalogDb?.close(), orderDb?.close()]);
  });

  it('when every app is built, then each serves routes under its gateway prefixes or its /internal path, and nothing else', () => {
    for (const [app, routes] of Object.entries(servedByApp)) {
      expect(routes.length).toBeGreaterThan(0);
      const internal = `/internal/${app === AppIds.order ? 'orders' : app}`;
      const prefixes = [...RoutePrefixes.filter((route) => route.appId === app).map((route) => route.prefix), internal];
      for (const route of routes) {
        const path = route.slice(route.indexOf(' ') + 1);
        expect({ route, routed: prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)) }).toEqual({ route, routed: true });
      }
    }
  });

  it('when the routes of auth, catalog, cart and order are compared with the document, then each is described and each description is served', () => {
    expect(routeDrift(servedByApp, listDocumentedOperations(platformOpenApiDocument()))).toEqual([]);
  });
});
