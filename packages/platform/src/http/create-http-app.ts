import express, { type Express, type Request, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { ServiceMetrics } from '../metrics';
import { trace } from '@opentelemetry/api';
import { requestContextFromHeaders, runWithRequestContext } from '../request-context';
import { problemErrorHandler, unknownRouteHandler } from './error-handler';
import { AppError, type Logger } from '@shop/kernel';

/** A dependency whose health decides whether the service can take traffic (database, state store...). */
export interface ReadinessCheck {
  name: string;
  /**
   * Resolves when healthy; throws (or exceeds the timeout) when not. Resolves with `{ degraded }` when the dependency
   * is partly down but the service still serves (the database primary is gone and its read replica answers the
   * reads): /readyz stays 200, says `degraded` and why, so that the pod keeps taking traffic.
   */
  check: () => Promise<void | { degraded: string }>;
}

/** What the app factory needs from a service. */
export interface HttpAppOptions {
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
  /**
   * Mounts the service's routes. Called after the common middleware and before /healthz, /readyz, /metrics, the 404
   * and the error handlers, so a route or middleware mounted at the root must let those paths through.
   */
  mountRoutes: (app: Express) => void;
  /**
   * Mounts handlers that answer what no route and no platform endpoint did (the gateway's web app and its
   * client-side routes), just before the 404. They never shadow /healthz, /readyz or /metrics.
   */
  mountFallback?: (app: Express) => void;
  readinessChecks?: ReadinessCheck[];
  /** JSON body limit (default 1 MiB); larger bodies get 413. */
  bodyLimit?: string | number;
  /**
   * The proxies in front whose X-Forwarded-For is believed (TRUSTED_PROXIES: addresses, CIDRs, `loopback`), set as
   * Express's `trust proxy`: `req.ip` is the address the nearest untrusted hop connected from. Default: nobody (the
   * socket's peer), so a client cannot choose its own address by writing the header.
   */
  trustedProxies?: readonly string[];
  /** Serve /metrics on this listener (default true). The gateway, the public listener, does not. */
  serveMetrics?: boolean;
  /** Per-check timeout of /readyz (default 1000 ms): a probe answers within it even when a dependency hangs. */
  readinessTimeoutMs?: number;
  /** `json` (default): parse JSON bodies, 415 for other media types. `none`: leave bodies unread (a proxy streams them on). */
  bodyParsing?: 'json' | 'none';
  /**
   * With `json` parsing: the requests whose bodies stay unread and unchecked, for a route that streams its body itself
   * (a multipart upload). Everything else is still JSON or a 415.
   */
  streamedBodies?: (req: Request) => boolean;
}

/** The built app and the switch that makes /readyz fail while the service drains. */
export interface HttpApp {
  app: Express;
  /** From now on /readyz answers 503 so that load balancers stop sending new requests. */
  markShuttingDown(): void;
  /** The service's metrics, for a listener of their own (METRICS_PORT). */
  metrics: ServiceMetrics;
  /** From now on /metrics on this app answers 404: a separate listener serves them (`listen` with `metricsPort`). */
  stopServingMetrics(): void;
}

const jsonMediaTypes = ['application/json', 'application/*+json'];
const methodsWithBody = new Set(['POST', 'PUT', 'PATCH']);

/** Paths that are probed constantly and would drown the access log. */
const quietPaths = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Builds a service's Express 5 app with the platform's common behaviour: request id and trace context,
 * security headers, JSON bodies with a size limit and 415 for other media types, health, readiness, metrics,
 * access log, 404 and problem+json errors.
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { logger, metrics } = options;
  let shuttingDown = false;
  const app = express();
  app.disable('x-powered-by');
  const trustedProxies = options.trustedProxies ?? [];
  app.set('trust proxy', trustedProxies.length > 0 ? [...trustedProxies] : false);
  // Weak ETags from Express would answer 304s for API responses we did not mean to be cacheable; services set their own.
  app.set('etag', false);

  if (trustedProxies.length > 0) app.use(forwardedForWithoutPorts);
  app.use(requestContextAndTelemetry(logger, metrics));
  app.use(staticSecurityHeaders());
  if ((options.bodyParsing ?? 'json') === 'json') {
    app.use(jsonBodyParser(express.json({ limit: options.bodyLimit ?? '1mb', type: jsonMediaTypes, strict: true }), options.streamedBodies));
  }

  options.mountRoutes(app);

  // After the service's routes: API requests, the hot path, never test these paths first.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Logged when readiness changes, not on every probe (Kubernetes probes every few seconds).
  let lastStatus: 'ready' | 'degraded' | 'not_ready' = 'ready';
  app.get('/readyz', async (_req, res) => {
    if (shuttingDown) {
      res.status(503).json({ status: 'shutting_down' });
      return;
    }
    const results = await Promise.all(
      (options.readinessChecks ?? []).map(async ({ name, check }) => {
        try {
          const outcome = await withTimeout(check(), options.readinessTimeoutMs ?? 1000, name);
          return outcome ? { name, ok: true as const, degraded: outcome.degraded } : { name, ok: true as const };
        } catch (error) {
          return { name, ok: false as const, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const ready = results.every((r) => r.ok);
    const degraded = results.some((r) => 'degraded' in r);
    const status = !ready ? 'not_ready' : degraded ? 'degraded' : 'ready';
    if (status !== lastStatus) {
      if (status === 'ready') logger.info({ checks: results }, 'ready again');
      else logger.warn({ checks: results }, status === 'degraded' ? 'ready, degraded' : 'not ready');
    }
    lastStatus = status;
    res.status(ready ? 200 : 503).json({ status, checks: results });
  });
  let metricsOnThisApp = options.serveMetrics ?? true;
  app.get('/metrics', async (_req, res, next) => {
    if (!metricsOnThisApp) return next();
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  options.mountFallback?.(app);
  app.use(unknownRouteHandler);
  app.use(problemErrorHandler(logger));
  return {
    app,
    markShuttingDown: () => {
      shuttingDown = true;
    },
    metrics,
    stopServingMetrics: () => {
      metricsOnThisApp = false;
    },
  };
}

/** `1.2.3.4:5678` or `[2001:db8::1]:5678`: an address with the port some proxies add (Azure Application Gateway). */
const addressWithPort = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):\d+|\[([0-9A-Fa-f:.]+)\]:\d+)$/;

/**
 * Drops the ports from X-Forwarded-For entries before Express reads them: Express's `trust proxy` takes an entry
 * with a port for an untrusted address, which would make every connection of one client a new address.
 */
const forwardedForWithoutPorts: RequestHandler = (req, _res, next) => {
  const header = req.headers['x-forwarded-for'];
  if (typeof header === 'string' && header.includes(':')) {
    req.headers['x-forwarded-for'] = header
      .split(',')
      .map((entry) => {
        const match = addressWithPort.exec(entry.trim());
        return match ? (match[1] ?? match[2]) : entry.trim();
      })
      .join(', ');
  }
  next();
};

/**
 * helmet's security headers. With the options used here helmet sets the same headers on every response, so they are
 * computed once by running helmet against a recording response, and then set in one call per request (helmet's
 * chain of a dozen middlewares was a tenth of the hot read path's CPU).
 */
function staticSecurityHeaders(): RequestHandler {
  const recorded = new Map<string, string | number | readonly string[]>();
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => void recorded.set(name, value),
    removeHeader: (name: string) => void recorded.delete(name),
  };
  helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: { policy: 'same-site' } })(
    { headers: {} } as never,
    recorder as never,
    () => undefined,
  );
  const headers = new Map(recorded) as Map<string, string>;
  return (_req, res, next) => {
    res.setHeaders(headers);
    next();
  };
}

/** Parses JSON bodies (415 for other media types) on the methods that carry one; reads skip the parser entirely. */
function jsonBodyParser(parseJson: RequestHandler, streamed?: (req: Request) => boolean): RequestHandler {
  return (req, res, next) => {
    if (!methodsWithBody.has(req.method) || streamed?.(req)) return next();
    requireJsonBody(req, res, (error?: unknown) => (error ? next(error) : parseJson(req, res, next)));
  };
}

/** 415 for a request that carries a body in anything but JSON. */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  const length = req.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is(jsonMediaTypes)) {
    return next(new AppError('unsupported_media_type', `Expected a JSON body (Content-Type: application/json), got ${req.headers['content-type'] ?? 'no Content-Type'}`));
  }
  next();
};

/**
 * Sets up the request context, echoes `x-request-id`, names the request's server span after its route, and records
 * the access log line and the duration histogram. The trace context is the http instrumentation's: it extracted the
 * incoming `traceparent` and made the server span active before Express saw the request.
 */
function requestContextAndTelemetry(logger: Logger, metrics: ServiceMetrics): RequestHandler {
  return (req, res, next) => {
    const context = requestContextFromHeaders(req.header('x-request-id'));
    res.setHeader('x-request-id', context.requestId);
    // The http instrumentation's server span (nothing instruments Express in between); undefined without telemetry.
    const serverSpan = trace.getActiveSpan();
    const startedAt = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      // Express types the matched route as `any`; its path is a string, a pattern or a list of them.
      const routePath = (req.route as { path?: string | RegExp | (string | RegExp)[] } | undefined)?.path;
      const route = routePath ? `${req.baseUrl}${String(routePath)}` : res.statusCode === 404 ? 'unmatched' : req.baseUrl || 'unmatched';
      metrics.httpRequestDuration.observe({ method: req.method, route, status_code: String(res.statusCode) }, seconds);
      // 'finish' comes before the instrumentation ends the span on 'close'. Its name would be the bare method: the
      // route template (never the raw path, which holds ids) makes requests groupable in Application Insights.
      if (serverSpan?.isRecording() && route !== 'unmatched') serverSpan.setAttribute('http.route', route).updateName(`${req.method} ${route}`);
      const level = res.statusCode >= 500 ? 'error' : quietPaths.has(req.path) ? 'debug' : 'info';
      if (logger.isLevelEnabled(level)) {
        logger[level](
          { requestId: context.requestId, method: req.method, path: req.path, route, status: res.statusCode, durationMs: Math.round(seconds * 1e4) / 10 },
          'request',
        );
      }
    });
    runWithRequestContext(context, next);
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
