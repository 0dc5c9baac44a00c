import { createServiceMetrics, listen } from '@shop/platform';
import { parseServiceUrls, runServiceMain } from '@shop/service-runtime';
import { loadGatewayConfig } from './config';
import { createGatewayApp } from './gateway-app';

void runServiceMain({
  appId: 'gateway',
  loadConfig: () => loadGatewayConfig(),
  start: async (config, logger) => {
    const gateway = createGatewayApp({
      logger,
      metrics: createServiceMetrics('gateway'),
      serviceUrls: parseServiceUrls(config.SERVICE_URLS),
      upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
      webAppDir: config.WEB_APP_DIR,
      trustedProxies: config.TRUSTED_PROXIES,
    });
    // With METRICS_PORT the gateway's own metrics are scraped there; its public port never serves them.
    return listen(gateway, { port: config.PORT, host: config.HOST, logger, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS, metricsPort: config.METRICS_PORT });
  },
});
