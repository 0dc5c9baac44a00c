import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus registry of one service, with its HTTP request histogram. */
export interface ServiceMetrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

/**
 * One registry per service (not prom-client's global one), so several services can share a process in the
 * embedded default without their metrics colliding.
 */
export function createServiceMetrics(service: string, options: { collectProcessMetrics?: boolean } = {}): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  // The event-loop lag histogram samples with a timer: prom-client's default of every 10 ms cost each idle service
  // 10 ms of CPU per second here (a wake-up per tick); every 100 ms still shows a blocked loop, for a tenth of that.
  if (options.collectProcessMetrics ?? true) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, httpRequestDuration };
}
