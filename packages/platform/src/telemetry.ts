import { type Logger } from '@shop/kernel';

/**
 * Starts OpenTelemetry export to Azure Monitor (Application Insights) when a connection string is configured;
 * with none, nothing is exported and nothing is loaded. Call it first in main.ts, before the HTTP server is
 * created, so that the http/express/pg/redis instrumentations can hook in.
 */
export function startTelemetry(options: { connectionString?: string; serviceName: string; logger: Logger }): { shutdown(): Promise<void> } {
  if (!options.connectionString) {
    return { shutdown: () => Promise.resolve() };
  }
  // Required lazily: the SDK is large and patches modules as it loads, which the embedded default does not need.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, as said above: an import would load it always
  const monitor = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
  process.env.OTEL_SERVICE_NAME ??= options.serviceName;
  monitor.useAzureMonitor({ azureMonitorExporterOptions: { connectionString: options.connectionString } });
  options.logger.info({ serviceName: options.serviceName }, 'telemetry: exporting to Azure Monitor');
  return { shutdown: () => monitor.shutdownAzureMonitor() };
}
