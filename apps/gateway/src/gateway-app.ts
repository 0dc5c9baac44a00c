import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { AppIds, MEDIA_PATH_PREFIX, RoutePrefixes, type AppId } from '@shop/contracts';
import { createHttpApp, currentRequestContext, type HttpApp, type ServiceMetrics } from '@shop/platform';
import { createApiDocsRouter } from './api-docs.routes';
import { mountWebApp } from './web-app';
import { AppError, type Logger } from '@shop/kernel';

/** Dependencies of the gateway. */
export interface GatewayDeps {
  logger: Logger;
  metrics: ServiceMetrics;
  /**
   * Base URL of each app, or the URLs of its replicas, which requests take in turn; read on every request, so a
   * launcher may fill it in as services come up.
   */
  serviceUrls: Partial<Record<AppId, string | readonly string[]>>;
  upstreamTimeoutMs?: number;
  /** The built web app (apps/storefront/dist) to serve at `/`; unset: the gateway serves the API only. */
  webAppDir?: string;
  /** Proxies in front of the gateway whose X-Forwarded-For it believes (TRUSTED_PROXIES); default none. */
  trustedProxies?: readonly string[];
}

/**
 * Product media: the catalog serves it from its media store. In Azure, Front Door serves the same paths straight from
 * the blob container, so there this route only sees what the edge sends on (nothing, normally).
 */
const mediaRoute = { prefix: MEDIA_PATH_PREFIX, appId: AppIds.catalog } as const;

/** The app a path belongs to, by the same prefix rules as the Application Gateway / Ingress in Azure (and /media). */
export function appIdForPath(path: string): AppId | undefined {
  return [...RoutePrefixes, mediaRoute].find(({ prefix }) => path === prefix || path.startsWith(`${prefix}/`))?.appId;
}

/**
 * Keeps of a request's X-Forwarded-For only the hops the gateway's trusted proxies vouch for (client first, as
 * Express's `req.ips` lists them); http-proxy then appends the gateway's own socket peer. What a client wrote itself
 * is dropped, so a service that trusts the gateway gets the real client address, not one the client chose.
 */
export function keepTrustedForwardedFor(req: Pick<Request, 'ips' | 'headers'>): void {
  const vouchedFor = req.ips;
  if (vouchedFor.length > 0) req.headers['x-forwarded-for'] = vouchedFor.join(', ');
  else delete req.headers['x-forwarded-for'];
}

/**
 * The gateway: a reverse proxy that forwards `/api/<area>/...` (and `/media/...`, to catalog) unchanged to the owning service, streaming bodies
 * (it never parses them), adding X-Forwarded-* (For: the client address it can vouch for) and passing the request id
 * and trace context on; and, when given one, the built web app at `/`. Nothing else reaches a service: no /metrics
 * (the gateway does not serve its own either), no /internal, no other path.
 */
export function createGatewayApp(deps: GatewayDeps): HttpApp {
  const upstreamFor = roundRobinUpstreams(deps.serviceUrls);
  // The proxy reports a failed upstream in an event, outside Express's chain: each proxied request's `next` is kept
  // here so that the failure goes to the platform's error handler, which renders every problem of the API.
  const nextOfRequest = new WeakMap<IncomingMessage, NextFunction>();
  // Without an agent http-proxy asks every upstream to close its connection after the answer, so each proxied request
  // paid a TCP handshake and a fresh socket on both sides (measured: a cached product read through the gateway ran at
  // 0.07x the direct read). The gateway drops an idle socket after 30 s, well before the services' own 65 s
  // keep-alive timeout could close it under a request; LIFO reuses the warmest sockets and lets the rest expire.
  const upstreamAgent = new Agent({ keepAlive: true, timeout: 30_000, scheduling: 'lifo' });
  const proxy = createProxyMiddleware<IncomingMessage, ServerResponse>({
    agent: upstreamAgent,
    router: (req) => {
      const appId = appIdForPath((req.url ?? '/').split('?')[0]);
      return appId && upstreamFor.next(appId);
    },
    // The router always answers for the paths we forward; this target is never used.
    target: 'http://127.0.0.1:9',
    xfwd: true,
    changeOrigin: false,
    proxyTimeout: deps.upstreamTimeoutMs ?? 30_000,
    on: {
      proxyReq: (proxyReq) => {
        // The trace context needs nothing here: the http instrumentation injects this hop's `traceparent`.
        const context = currentRequestContext();
        if (context) proxyReq.setHeader('x-request-id', context.requestId);
      },
      error: (error, req, res) => {
        const timedOut = (error as NodeJS.ErrnoException).code === 'ECONNRESET' || /timed? ?out/i.test(error.message);
        deps.logger.warn({ err: error, path: req.url }, 'upstream failed');
        const next = nextOfRequest.get(req);
        // A WebSocket upgrade (a bare socket), or an answer already under way: nothing left to answer with.
        if (!('writeHead' in res) || res.headersSent || !next) {
          res.destroy();
          return;
        }
        next(timedOut ? new AppError('gateway_timeout', 'The service did not answer in time') : new AppError('bad_gateway', 'The service is not reachable'));
      },
    },
  });

  return createHttpApp({
    service: 'gateway',
    logger: deps.logger,
    metrics: deps.metrics,
    bodyParsing: 'none',
    trustedProxies: deps.trustedProxies,
    // The public listener: metrics are scraped from each pod's own port inside the cluster, never through here.
    serveMetrics: false,
    mountRoutes: (app) => {
      app.use(createApiDocsRouter());
      const forward: RequestHandler = (req, res, next) => {
        const appId = appIdForPath(req.originalUrl.split('?')[0]);
        if (!appId || !upstreamFor.serves(appId)) {
          next(new AppError('not_found', `No service serves ${req.originalUrl.split('?')[0]}`));
          return;
        }
        // Mounted under a prefix, Express strips it from req.url; the services expect the full path.
        req.url = req.originalUrl;
        keepTrustedForwardedFor(req);
        nextOfRequest.set(req, next);
        void proxy(req, res, next);
      };
      app.use('/api', forward);
      app.use(mediaRoute.prefix, forward);
    },
    mountFallback: deps.webAppDir ? (app) => mountWebApp(app, deps.webAppDir!) : undefined,
  });
}

/**
 * Picks the upstream of each request from `serviceUrls`, read afresh every time: an app's URLs in turn, one request
 * each. A failed request is answered 502/504 and never sent again to another replica, as it may have had its effect.
 */
function roundRobinUpstreams(serviceUrls: GatewayDeps['serviceUrls']) {
  const requestsSent = new Map<AppId, number>();
  const urlsOf = (appId: AppId): readonly string[] => {
    const urls = serviceUrls[appId];
    return (typeof urls === 'string' ? [urls] : (urls ?? [])).filter(Boolean);
  };
  return {
    serves: (appId: AppId) => urlsOf(appId).length > 0,
    next: (appId: AppId): string | undefined => {
      const urls = urlsOf(appId);
      if (urls.length === 0) return undefined;
      const sent = requestsSent.get(appId) ?? 0;
      requestsSent.set(appId, sent + 1);
      return urls[sent % urls.length];
    },
  };
}
