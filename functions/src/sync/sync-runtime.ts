import { RemoteJwks, TokenVerifier, type JwksDocument } from '@shop/auth-tokens';
import { DummyJsonSource } from './dummyjson-source';
import { HttpCatalogSyncRuns, type CatalogSyncRuns } from './catalog-sync-runs';
import type { ProductSource } from './product-source';
import { ServiceBusBatchPublisher } from './service-bus-batch-publisher';
import { ShopifySource } from './shopify-source';
import type { SyncBatchPublisher } from './sync-batch-publisher';
import { SupplierHttpClient } from './supplier-http-client';
import { credentialOf, type SyncSettings, type SyncSourceConfig } from './sync-settings';

/** Everything the sync functions need, built once per host process (breakers keep their state across runs). */
export interface SyncRuntime {
  sources: ReadonlyMap<string, ProductSource>;
  catalog: CatalogSyncRuns;
  publisher: SyncBatchPublisher;
  batchSize: number;
  /** Verifies the admin token of the manual trigger; undefined when AUTH_JWKS_URL is not set. */
  verifier?: TokenVerifier;
}

/** Builds a source adapter with its own resilient HTTP client (and so its own circuit breaker). */
export function createProductSource(config: SyncSourceConfig, settings: SyncSettings, env: Record<string, string | undefined>, fetchImpl?: typeof fetch): ProductSource {
  const apiKey = credentialOf(config, env);
  const headers: Record<string, string> = {};
  if (apiKey) {
    if (config.kind === 'shopify') headers['x-shopify-access-token'] = apiKey;
    else headers.authorization = `Bearer ${apiKey}`;
  }
  const http = new SupplierHttpClient({
    sourceName: config.name,
    timeoutMs: settings.SYNC_TIMEOUT_MS,
    maxRetries: settings.SYNC_MAX_RETRIES,
    concurrency: settings.SYNC_PAGE_CONCURRENCY,
    breakerThreshold: settings.SYNC_BREAKER_THRESHOLD,
    breakerHalfOpenMs: settings.SYNC_BREAKER_HALF_OPEN_MS,
    // The base URL's origin is the only one trusted with the key: links and redirects elsewhere are refused.
    trustedOrigin: new URL(config.baseUrl).origin,
    maxResponseBytes: settings.SYNC_MAX_PAGE_BYTES,
    headers,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  const common = { name: config.name, baseUrl: config.baseUrl, currency: config.currency, pageSize: config.pageSize, maxPages: settings.SYNC_MAX_PAGES, timeoutMs: settings.SYNC_TIMEOUT_MS, http };
  return config.kind === 'dummyjson' ? new DummyJsonSource({ ...common, pageConcurrency: settings.SYNC_PAGE_CONCURRENCY }) : new ShopifySource(common);
}

/** A token verifier fetching auth's JWKS from `jwksUrl` (cached, refreshed on unknown kids). */
export function createJwksVerifier(jwksUrl: string): TokenVerifier {
  return new TokenVerifier({
    jwks: new RemoteJwks({
      fetchJwks: async () => {
        const response = await fetch(jwksUrl, { signal: AbortSignal.timeout(5_000) });
        if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
        return (await response.json()) as JwksDocument;
      },
    }),
  });
}

/** The Azure wiring: Service Bus with the managed identity, catalog over HTTP. */
export function createAzureSyncRuntime(settings: SyncSettings, env: Record<string, string | undefined>): SyncRuntime {
  if (!settings.SERVICEBUS_FULLY_QUALIFIED_NAMESPACE) throw new Error('Invalid sync settings: SERVICEBUS_FULLY_QUALIFIED_NAMESPACE is required to send catalog-sync batches');
  return {
    sources: new Map(settings.SYNC_SOURCES.map((config) => [config.name, createProductSource(config, settings, env)])),
    catalog: new HttpCatalogSyncRuns({ catalogUrl: settings.CATALOG_INTERNAL_URL, ...(settings.APP_API_TOKEN ? { appApiToken: settings.APP_API_TOKEN } : {}) }),
    publisher: new ServiceBusBatchPublisher({ fullyQualifiedNamespace: settings.SERVICEBUS_FULLY_QUALIFIED_NAMESPACE }),
    batchSize: settings.SYNC_BATCH_SIZE,
    ...(settings.AUTH_JWKS_URL ? { verifier: createJwksVerifier(settings.AUTH_JWKS_URL) } : {}),
  };
}
