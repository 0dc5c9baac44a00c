import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration } from 'prom-client';

/**
 * Buckets of the HTTP duration histogram. 0.2 and 0.5 s are bucket bounds so that the SLO ratios (share of requests
 * under 200 ms and under 500 ms) are exact counts, not interpolations between neighbouring buckets.
 */
export const httpDurationBucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10] as const;

/** The Prometheus registry of one service, its HTTP request histogram, and factories for a context's own metrics. */
export interface ServiceMetrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** A counter on this registry; asking twice for one name gives the same counter (two apps on one registry in tests). */
  counter<L extends string>(configuration: MetricConfiguration<CounterConfiguration<L>>): Counter<L>;
  /** A histogram on this registry, same rule. */
  histogram<L extends string>(configuration: MetricConfiguration<HistogramConfiguration<L>>): Histogram<L>;
  /** A gauge on this registry, same rule; `collect` runs at every scrape. */
  gauge<L extends string>(configuration: MetricConfiguration<GaugeConfiguration<L>>): Gauge<L>;
}

/** A metric's configuration without `registers`: the service's registry is the only one. */
export type MetricConfiguration<C> = Omit<C, 'registers'>;

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
  const registered = <M>(name: string, create: () => M): M => (registry.getSingleMetric(name) as M | undefined) ?? create();
  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template (never the raw path), method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [...httpDurationBucketsSeconds],
    registers: [registry],
  });
  return {
    registry,
    httpRequestDuration,
    counter: (configuration) => registered(configuration.name, () => new Counter({ ...configuration, registers: [registry] })),
    histogram: (configuration) => registered(configuration.name, () => new Histogram({ ...configuration, registers: [registry] })),
    gauge: (configuration) => registered(configuration.name, () => new Gauge({ ...configuration, registers: [registry] })),
  };
}

/** Where a cache records whether a lookup found its entry; adapters take it so that they need no prom-client. */
export interface CacheLookupRecorder {
  /** `hit`: answered from the cache (or joined a lookup already on its way); `miss`: went to the source. */
  record(result: 'hit' | 'miss'): void;
}

/** `cache_lookups_total{cache, result}`: one series pair per cache layer, the same metric in every service. */
export function cacheLookupRecorder(metrics: ServiceMetrics, cache: string): CacheLookupRecorder {
  const lookups = metrics.counter({
    name: 'cache_lookups_total',
    help: 'Cache lookups by cache layer and result (hit, miss)',
    labelNames: ['cache', 'result'] as const,
  });
  // Both series exist from the start, so a hit ratio is defined before the first miss.
  lookups.inc({ cache, result: 'hit' }, 0);
  lookups.inc({ cache, result: 'miss' }, 0);
  return { record: (result) => lookups.inc({ cache, result }) };
}

/** Where a limiter records a request it refused. */
export interface RateLimitRejectionRecorder {
  /** One request refused by this limiter (`scope`: what was counted, e.g. per account and address). */
  rejected(scope?: string): void;
}

/** `rate_limit_rejections_total{limiter, scope}`. */
export function rateLimitRejectionRecorder(metrics: ServiceMetrics, limiter: string): RateLimitRejectionRecorder {
  const rejections = metrics.counter({
    name: 'rate_limit_rejections_total',
    help: 'Requests refused by a rate limit, by limiter and the scope whose limit was reached',
    labelNames: ['limiter', 'scope'] as const,
  });
  rejections.inc({ limiter, scope: 'any' }, 0);
  return { rejected: (scope = 'any') => rejections.inc({ limiter, scope }) };
}
