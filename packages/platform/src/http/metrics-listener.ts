import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '@shop/kernel';

/** The listener that serves only GET /metrics, on a port of its own. */
export interface MetricsListener {
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the registry at GET /metrics on `port` (METRICS_PORT) and answers 404 to everything else. In the cluster the
 * scrapers reach this port and nothing else does, so the app port, which the ingress and other callers reach, no
 * longer shows the service's internals. A bare node:http server: no Express, no middleware between scrape and registry.
 */
export async function listenForMetrics(registry: Registry, options: { port: number; host?: string; logger: Logger }): Promise<MetricsListener> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: this port serves GET /metrics only\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : body),
      (error: unknown) => {
        options.logger.error({ err: error }, 'collecting metrics failed');
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('collecting metrics failed\n');
      },
    );
  });
  server.listen(options.port, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  return {
    port,
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
