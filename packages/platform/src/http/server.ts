import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpApp } from './create-http-app';
import { listenForMetrics, type MetricsListener } from './metrics-listener';
import { type Logger } from '@shop/kernel';

/** A listening service and the way to stop it gracefully. */
export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  /** Where /metrics is served when it has a listener of its own (`metricsPort`); otherwise `${url}/metrics`. */
  metricsUrl?: string;
  /** Stops accepting, drains in-flight requests (up to the timeout), then runs the closers in reverse order. Idempotent. */
  stop(): Promise<void>;
}

/** Options of `listen`. */
export interface ListenOptions {
  port: number;
  /** Interface to listen on; default loopback (a container sets 0.0.0.0 through HOST). */
  host?: string;
  logger: Logger;
  shutdownTimeoutMs?: number;
  /** Resources to release after the server has drained (pools, buses, clients), closed last-first. */
  closers?: Array<{ name: string; close: () => Promise<void> }>;
  /** METRICS_PORT: serve /metrics on this port (same host) instead of on `port`. Unset: /metrics stays on `port`. */
  metricsPort?: number;
}

/** Starts a built app on a port (0 for any free one). */
export async function listen(httpApp: HttpApp, options: ListenOptions): Promise<RunningServer> {
  let metricsListener: MetricsListener | undefined;
  if (options.metricsPort !== undefined) {
    metricsListener = await listenForMetrics(httpApp.metrics.registry, { port: options.metricsPort, host: options.host, logger: options.logger });
    httpApp.stopServingMetrics();
  }
  const server = httpApp.app.listen(options.port, options.host ?? '127.0.0.1');
  try {
    await once(server, 'listening');
  } catch (error) {
    await metricsListener?.close();
    throw error;
  }
  // Longer than the idle timeout of the load balancers in front, so they never reuse a socket we just closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  let stopping: Promise<void> | undefined;

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      httpApp.markShuttingDown();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // A keep-alive socket whose request finishes during the drain turns idle and would hold the server open until
      // the timeout: close idle sockets again while draining (only during shutdown, so the hot path pays nothing).
      const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
      idleSweep.unref();
      const timeoutMs = options.shutdownTimeoutMs ?? 10_000;
      const timedOut = await Promise.race([closed.then(() => false), delay(timeoutMs).then(() => true)]).finally(() => clearInterval(idleSweep));
      if (timedOut) {
        options.logger.warn({ timeoutMs }, 'in-flight requests did not finish in time; closing their connections');
        server.closeAllConnections();
        await closed;
      }
      // Scraped until the app has drained, so the last requests are counted.
      await metricsListener?.close();
      for (const closer of [...(options.closers ?? [])].reverse()) {
        try {
          await closer.close();
        } catch (error) {
          options.logger.error({ err: error, resource: closer.name }, 'error while closing');
        }
      }
    })();
    return stopping;
  };
  return { server, port, url: `http://${host}:${port}`, metricsUrl: metricsListener?.url, stop };
}

/** On SIGTERM or SIGINT runs `stop` once and exits; a second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let received = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    received = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
