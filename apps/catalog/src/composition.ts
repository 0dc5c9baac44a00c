import path from 'node:path';
import type { TokenVerifier, UserAuthorizations } from '@shop/auth-tokens';
import { broadcastSubscription, regionalSubscription, type EventBus, type RateLimiter, type StateStore } from '@shop/building-blocks';
import { AppIds, DEFAULT_MARKET_ID, DefaultTierLimitsPerMinute, MEDIA_PATH_PREFIX, defaultMarkets, type ApiKeyTier, type PartitionMaintenanceReport } from '@shop/contracts';
import { AppError, type AuditRecorder, type Logger } from '@shop/kernel';
import { cacheLookupRecorder, createHttpApp, createServiceMetrics, rateLimitRejectionRecorder, type HttpApp, type RunningServer, type ServiceMetrics } from '@shop/platform';
import { BlobMediaStore, FilesystemMediaStore, type MediaStore } from '@shop/media-store';
import { migrate, type Database } from '@shop/postgres';
import { AuthUserAuthorizations, auditRecorderFor, databaseReadinessCheck, authServiceTokenVerifier, listenService, openServiceDatabase, startService, withDeliveryMetrics, type BuildingBlocks } from '@shop/service-runtime';
import type { CatalogConfig } from './config';
import { AuthApiKeyVerifier, CachingApiKeyVerifier } from './data/api-key-verifier';
import { SqlCatalogSyncRepository } from './data/catalog-sync.repository';
import { migrateOutbox } from './data/outbox';
import { SqlPartnerProductRepository } from './data/partner-product.repository';
import { SqlProductAdminRepository } from './data/product-admin.repository';
import { maintainProductSnapshotPartitions, SqlProductHistoryRepository } from './data/product-history.repository';
import { StateStoreCacheLayer, type ProductCacheBreakerSettings } from './data/product-cache';
import { defaultReadCacheSettings, TwoLevelReadCache, type ReadCacheSettings } from './data/two-level-cache';
import { SqlProductQueryRepository } from './data/product-query.repository';
import { SqlReservationRepository } from './data/reservation.repository';
import { AfterCommit } from './domain/after-commit';
import type { ApiKeyVerifier } from './domain/api-key-verifier';
import { CatalogSyncService } from './domain/catalog-sync.service';
import { PartnerCatalogService } from './domain/partner-catalog.service';
import { defaultProductLanguages, type ProductLanguages } from './domain/product-language';
import { ProductAdminService } from './domain/product-admin.service';
import { ProductHistoryService } from './domain/product-history.service';
import { ProductQueryService } from './domain/product-query.service';
import { ReservationService } from './domain/reservation.service';
import { subscribeApiKeyChanges } from './events/api-key-verifier.subscriptions';
import { CacheInvalidationPublisher, subscribeCacheInvalidations, subscribeRegionalCacheInvalidations } from './events/cache-invalidation';
import { AnalyticsPublisher } from './events/publishers';
import { subscribeCatalogHandlers } from './events/subscriptions';
import { createAdminBulkUpsertRouter } from './http/admin-bulk-upsert.routes';
import { createAdminProductsRouter } from './http/admin-products.routes';
import { createAdminSyncRunsRouter } from './http/admin-sync-runs.routes';
import { createCategoriesRouter } from './http/categories.routes';
import { createMarketsRouter } from './http/markets.routes';
import type { MarketSettings } from '@shop/platform';
import { createPartnerAccess } from './http/partner-access';
import { createPartnerDocsRouter } from './http/partner-docs.routes';
import { createPartnerRouter, partnerApiBasePath } from './http/partner.routes';
import { createAppTokenGuardedReservationsRouter } from './http/app-token-guarded-reservations.routes';
import { createAppTokenGuardedSyncRunsRouter } from './http/app-token-guarded-sync-runs.routes';
import { createAppTokenGuardedPartitionsRouter } from './http/app-token-guarded-partitions.routes';
import { createAppTokenGuardedMediaSweepRouter } from './http/app-token-guarded-media-sweep.routes';
import { createProductsRouter } from './http/products.routes';
import { seedDemoCatalog, seedDemoImages } from './jobs/demo-catalog.seed';
import type { ConversionRates, PriceListPolicy } from './domain/price-list';
import { completePriceListsOnPolicyChange } from './data/product-tables';
import { ReservationSweeper } from './jobs/reservation-sweeper';
import { MediaSweeper } from './jobs/media-sweeper';
import { SqlMediaSweepRepository } from './data/media-sweep.repository';
import { MediaSweepService } from './domain/media-sweep.service';
import type { CatalogMetrics } from './domain/catalog-metrics';
import { createCatalogMetrics } from './http/prometheus-catalog-metrics';
import { SqlProductImageRepository } from './data/product-image.repository';
import type { ImageLimits } from './domain/product-image';
import type { ImageProcessor } from './domain/product-image.ports';
import { ProductImageService } from './domain/product-image.service';
import { createMediaHandler } from './http/media.routes';
import { createProductImagesRouter, isImageUpload } from './http/product-images.routes';
import { SharpImageProcessor } from './data/sharp-image-processor';

/** Where the SQL migrations are, from src (tests) and from dist alike. */
export const catalogMigrationsDir = path.join(__dirname, '..', 'migrations');

/** Applies the catalog's migrations and the outbox/inbox tables. */
export async function migrateCatalog(db: Database): Promise<void> {
  await migrate(db, catalogMigrationsDir);
  await migrateOutbox(db);
}

/** What the catalog's HTTP app is built from (tests inject in-memory adapters here). */
export interface CatalogAppDeps {
  /** The shop's markets (MARKETS, DEFAULT_MARKET); default: the built-in eu, us, uk and jp with eu the default. */
  markets?: MarketSettings;
  /** The rate table that derives market prices from base prices (PRICE_CONVERSION_RATES); default: none. */
  priceConversionRates?: ConversionRates;
  /** The languages of product texts (PRODUCT_LANGUAGES: the base, then the translated ones); default: en, with de and ja. */
  productLanguages?: ProductLanguages;
  /** The absolute origin media URLs are given under (MEDIA_PUBLIC_BASE_URL); default: paths (`/media/...`). */
  mediaBaseUrl?: string;
  /** Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (TRUSTED_PROXIES); default: nobody. */
  trustedProxies?: readonly string[];
  db: Database;
  stateStore: StateStore;
  eventBus: EventBus;
  verifier: TokenVerifier;
  /** Current roles in auth's database, confirmed before a product is deleted; default: none (the delete answers 503). */
  authorizations?: UserAuthorizations;
  logger: Logger;
  metrics?: ServiceMetrics;
  /** Sizes and TTLs of the read cache's two levels (L1_CACHE_*, PRODUCT_CACHE_TTL_SECONDS, LIST_CACHE_TTL_SECONDS); defaults: the config's. */
  readCache?: Partial<ReadCacheSettings>;
  /** Where each commit's cache invalidation goes to every replica (`BuildingBlocks.broadcastBus`). Default: `eventBus`. */
  broadcastBus?: EventBus;
  /** When the L2 cache stops calling a failing state store and when it tries again (defaults: 3 failures, 5 s). */
  productCacheBreaker?: ProductCacheBreakerSettings;
  /** Told after each commit that enqueued events, so they go out at once instead of at the next poll. */
  outboxRelay?: { nudge(): void };
  /** Extra routes on the app (the building blocks' subscription endpoints). */
  mountExtraRoutes?: HttpAppMount;
  /** How often aggregated product views are published. Default 1000 ms. */
  analyticsFlushIntervalMs?: number;
  /** Dapr's app API token: when set, the internal routes (reservations, sync runs) require it. */
  appApiToken?: string;
  /** How long a reservation holds its units when the request names no ttl. Default 900 s. */
  reservationTtlSeconds?: number;
  /** Availability at or below which a reservation publishes `inventory.low`. Default 5. */
  lowStockThreshold?: number;
  /** Verifies partner API keys (with auth, cached); without it, or without `rateLimiter`, the partner API answers 503. */
  apiKeys?: ApiKeyVerifier;
  /** Counts partner requests per key against its tier's limit (shared by every replica). */
  rateLimiter?: RateLimiter;
  /** Partner requests per minute of each tier (PARTNER_RATE_LIMIT_*_PER_MINUTE); default DefaultTierLimitsPerMinute. */
  partnerTierLimits?: Readonly<Record<ApiKeyTier, number>>;
  /** Where audited actions go (partner requests...); default: nowhere. */
  audit?: AuditRecorder;
  /** Months of product history kept by the partition job (PRODUCT_HISTORY_RETENTION_MONTHS). Default 13. */
  productHistoryRetentionMonths?: number;
  /** Where uploaded images and their variants are kept (MEDIA_STORE); without it uploads and /media answer 503. */
  media?: MediaStore;
  /** How long the media objects of an image outlive its last product (MEDIA_ORPHAN_GRACE_SECONDS). Default 86 400 s. */
  mediaOrphanGraceSeconds?: number;
  /** How often the media sweeper runs once started (MEDIA_SWEEP_INTERVAL_MS); default 0: only when asked. */
  mediaSweepIntervalMs?: number;
  /** Decodes and renders uploads; default sharp. */
  imageProcessor?: ImageProcessor;
  /** Upload limits; default ImageUploadLimits (tests lower them to exercise the refusals cheaply). */
  imageLimits?: Partial<ImageLimits>;
}

type HttpAppMount = Parameters<typeof createHttpApp>[0]['mountRoutes'];

/** Fails closed: an app built without a way to ask auth confirms nobody's role. */
const noAuthorizations: UserAuthorizations = {
  authorizationOf: () => Promise.reject(new AppError('unavailable', 'This catalog cannot confirm admin roles with the auth service', { retryAfterSeconds: 1 })),
};

/** Fails closed: an app built without a media store keeps no images (uploads and /media answer 503). */
const noMediaStore: MediaStore = {
  put: () => Promise.reject(mediaUnavailable()),
  get: () => Promise.reject(mediaUnavailable()),
  stat: () => Promise.reject(mediaUnavailable()),
  delete: () => Promise.reject(mediaUnavailable()),
  // Fails at its first step, like every other call.
  list: () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(mediaUnavailable()) }) }),
  ping: () => Promise.resolve(false),
};

function mediaUnavailable(): AppError {
  return new AppError('unavailable', 'This catalog has no media store configured');
}

/** The media store MEDIA_STORE names: a folder (embedded, local) or a blob container (Azure, Azurite). */
export function openMediaStore(config: Pick<CatalogConfig, 'MEDIA_STORE' | 'MEDIA_DIRECTORY' | 'MEDIA_BLOB_ACCOUNT_URL' | 'MEDIA_BLOB_CONTAINER' | 'MEDIA_BLOB_CONNECTION_STRING'>): MediaStore {
  if (config.MEDIA_STORE === 'filesystem') return new FilesystemMediaStore(path.resolve(config.MEDIA_DIRECTORY));
  // The config's rules make one of the two present; the connection string is Azurite's (never a real account key).
  if (config.MEDIA_BLOB_CONNECTION_STRING) return new BlobMediaStore({ container: config.MEDIA_BLOB_CONTAINER, connectionString: config.MEDIA_BLOB_CONNECTION_STRING });
  return new BlobMediaStore({ container: config.MEDIA_BLOB_CONTAINER, accountUrl: config.MEDIA_BLOB_ACCOUNT_URL! });
}

/** The catalog's HTTP app and the services behind it. */
export interface CatalogApp extends HttpApp {
  /** Product reads (cached), searches and the category tree. */
  productQueries: ProductQueryService;
  /** The two-level read cache; subscribe it to the broadcast bus (`subscribeCacheInvalidations`) so other replicas' changes reach its L1. */
  readCache: TwoLevelReadCache;
  /** Admin product changes and stock on hand. */
  productAdmin: ProductAdminService;
  /** Product image uploads (and the demo seed's images). */
  productImages: ProductImageService;
  /** Deletes the media objects of images no product has any more (the media sweeper runs it on an interval). */
  mediaSweep: MediaSweepService;
  /** Runs the media sweep on its interval once started, and once on the internal route; never two at once. */
  mediaSweeper: MediaSweeper;
  /** The bulk upsert of the external catalog sync, and its runs. */
  catalogSync: CatalogSyncService;
  /** Stock reservations of the checkout. */
  reservations: ReservationService;
  /** The catalog's own counters (sync runs and items, reservations), for the catalog-sync subscription. */
  catalogMetrics: CatalogMetrics;
  /** Publishes anonymous views (aggregated) and searches; close it on shutdown to publish the last views. */
  analytics: AnalyticsPublisher;
  /** Admin product changes stamped by another clock (the demo history seed dates its price and stock changes in the past). */
  productAdminAt(clock: () => Date): ProductAdminService;
  /** Creates the product history's partitions ahead and drops those past retention (at start, and the internal route). */
  maintainPartitions(): Promise<PartitionMaintenanceReport>;
}

/** The price lists the markets need: one price per market currency, derived by the rate table where none is set. */
export function priceListPolicyOf(markets: MarketSettings, rates: ConversionRates = {}): PriceListPolicy {
  return { currencies: [...new Set(markets.markets.map((market) => market.currency))], rates };
}

/** Builds the catalog's Express app (public, admin and internal routes, health, metrics) on the given adapters. */
export function createCatalogApp(deps: CatalogAppDeps): CatalogApp {
  const metrics = deps.metrics ?? createServiceMetrics(AppIds.catalog, { collectProcessMetrics: false });
  const catalogMetrics = createCatalogMetrics(metrics);
  const cache = new TwoLevelReadCache(
    new StateStoreCacheLayer(deps.stateStore, { logger: deps.logger, breaker: deps.productCacheBreaker }),
    { ...defaultReadCacheSettings, ...deps.readCache },
    {
      productL1: cacheLookupRecorder(metrics, 'catalog_product_l1'),
      productL2: cacheLookupRecorder(metrics, 'catalog_product_l2'),
      listL1: cacheLookupRecorder(metrics, 'catalog_list_l1'),
      listL2: cacheLookupRecorder(metrics, 'catalog_list_l2'),
    },
  );
  const afterCommit = new AfterCommit({
    cache,
    broadcast: new CacheInvalidationPublisher(deps.broadcastBus ?? deps.eventBus),
    onEventsCommitted: () => deps.outboxRelay?.nudge(),
    logger: deps.logger,
  });
  const markets = deps.markets ?? { markets: defaultMarkets, defaultMarket: DEFAULT_MARKET_ID };
  const pricing = priceListPolicyOf(markets, deps.priceConversionRates);
  const productLanguages = deps.productLanguages ?? defaultProductLanguages;
  const productQueries = new ProductQueryService({ repository: new SqlProductQueryRepository(deps.db), cache, logger: deps.logger, marketCurrencies: pricing.currencies, productLanguages, mediaBaseUrl: deps.mediaBaseUrl });
  const productAdmin = new ProductAdminService({ repository: new SqlProductAdminRepository(deps.db, pricing), afterCommit, audit: deps.audit, productLanguages });
  const catalogSync = new CatalogSyncService({ repository: new SqlCatalogSyncRepository(deps.db, pricing), afterCommit, logger: deps.logger, productLanguages });
  const reservations = new ReservationService({
    repository: new SqlReservationRepository(deps.db),
    afterCommit,
    defaultTtlSeconds: deps.reservationTtlSeconds ?? 900,
    lowStockThreshold: deps.lowStockThreshold ?? 5,
  });
  const analytics = new AnalyticsPublisher(deps.eventBus, deps.logger, { viewFlushIntervalMs: deps.analyticsFlushIntervalMs });
  const partnerCatalog = new PartnerCatalogService({ repository: new SqlPartnerProductRepository(deps.db), presentation: productQueries.catalogPresentation });
  const productHistory = new ProductHistoryService({ repository: new SqlProductHistoryRepository(deps.db) });
  const media = deps.media ?? noMediaStore;
  const productImages = new ProductImageService({
    repository: new SqlProductImageRepository(deps.db),
    processor: deps.imageProcessor ?? new SharpImageProcessor(),
    media,
    afterCommit,
    limits: deps.imageLimits,
    audit: deps.audit,
    mediaBaseUrl: deps.mediaBaseUrl,
  });
  const mediaSweep = new MediaSweepService({ repository: new SqlMediaSweepRepository(deps.db), media, graceSeconds: deps.mediaOrphanGraceSeconds ?? 86_400 });
  const mediaSweeper = new MediaSweeper(mediaSweep, deps.logger, deps.mediaSweepIntervalMs ?? 0, catalogMetrics);
  const maintainPartitions = () => maintainProductSnapshotPartitions(deps.db, { retentionMonths: deps.productHistoryRetentionMonths ?? 13 });
  const partnerTierLimits = deps.partnerTierLimits ?? DefaultTierLimitsPerMinute;
  const partnerAccess = createPartnerAccess({
    apiKeys: deps.apiKeys,
    rateLimiter: deps.rateLimiter,
    tierLimits: partnerTierLimits,
    rejections: rateLimitRejectionRecorder(metrics, 'partner'),
    audit: deps.audit,
    basePath: partnerApiBasePath,
  });
  const httpApp = createHttpApp({
    service: AppIds.catalog,
    logger: deps.logger,
    trustedProxies: deps.trustedProxies,
    metrics,
    readinessChecks: [
      databaseReadinessCheck(deps.db),
      { name: 'state-store', check: async () => void (await deps.stateStore.get('catalog:readiness-probe')) },
      // Not the media store: without it uploads fail, but product reads (the traffic) must go on, and in Azure Front
      // Door serves /media from the container itself.
    ],
    // The image upload streams its multipart body itself; every other body is JSON or a 415.
    streamedBodies: isImageUpload,
    mountRoutes: (app) => {
      app.use('/api/catalog', createProductImagesRouter({ productImages, verifier: deps.verifier }));
      app.use(MEDIA_PATH_PREFIX, createMediaHandler({ media, logger: deps.logger }));
      deps.mountExtraRoutes?.(app);
      // Public and admin routes under /api/catalog (the gateway's prefix); admin ones check the admin token per route.
      app.use('/api/catalog', createProductsRouter({ productQueries, analytics, markets, productLanguages }));
      app.use('/api/catalog', createCategoriesRouter({ productQueries }));
      app.use('/api/catalog', createMarketsRouter(markets));
      app.use('/api/catalog', createAdminProductsRouter({ productAdmin, productQueries, verifier: deps.verifier, authorizations: deps.authorizations ?? noAuthorizations }));
      app.use('/api/catalog', createAdminSyncRunsRouter({ catalogSync, verifier: deps.verifier }));
      // The partner API: its document and page are public, everything else needs a key and counts against its tier.
      app.use(createPartnerDocsRouter());
      app.use(partnerApiBasePath, createPartnerRouter({ access: partnerAccess, partnerCatalog, productQueries, productHistory, rateLimiter: deps.rateLimiter, tierLimits: partnerTierLimits }));
      // Under /internal (never routed by the gateway): the bulk upsert wants an admin token, the rest the app token.
      app.use(createAdminBulkUpsertRouter({ catalogSync, verifier: deps.verifier, metrics: catalogMetrics }));
      app.use(createAppTokenGuardedReservationsRouter({ reservations, appApiToken: deps.appApiToken, metrics: catalogMetrics }));
      app.use(createAppTokenGuardedSyncRunsRouter({ catalogSync, appApiToken: deps.appApiToken, metrics: catalogMetrics }));
      app.use(createAppTokenGuardedPartitionsRouter({ maintainPartitions, appApiToken: deps.appApiToken }));
      app.use(createAppTokenGuardedMediaSweepRouter({ sweepMedia: () => mediaSweeper.sweepOnce(), appApiToken: deps.appApiToken }));
    },
  });
  const productAdminAt = (clock: () => Date) => new ProductAdminService({ repository: new SqlProductAdminRepository(deps.db, pricing), afterCommit, clock, audit: deps.audit, productLanguages });
  return { ...httpApp, productQueries, readCache: cache, productAdmin, productImages, mediaSweep, mediaSweeper, catalogSync, reservations, analytics, catalogMetrics, productAdminAt, maintainPartitions };
}

/** What `startCatalogService` needs; `db` and `verifier` are opened/built from the config when not given. */
export interface StartCatalogOptions {
  config: CatalogConfig;
  logger: Logger;
  blocks: BuildingBlocks;
  /** An already open database (the embedded launcher, tests); it is then not closed on stop. */
  db?: Database;
  /** Verifies admin tokens; default: against the auth service's JWKS, fetched through service invocation. */
  verifier?: TokenVerifier;
  /** Confirms admin roles; default: auth's internal route, through service invocation. */
  authorizations?: UserAuthorizations;
  metrics?: ServiceMetrics;
}

/**
 * Starts the catalog: opens and migrates the database, seeds the demo catalog when configured and the catalog
 * is empty, builds the app, subscribes to catalog-sync, starts the outbox relay, the expired-reservation sweeper
 * (every RESERVATION_SWEEP_INTERVAL_MS; 0 disables it) and the media sweeper (every MEDIA_SWEEP_INTERVAL_MS; 0 disables
 * it) and listens on PORT.
 * `stop()` drains requests, then stops the sweepers, publishes the last views, stops the relay, closes the database
 * (when it opened it) and the building blocks; a start that fails half-way releases what it had opened the same way.
 */
export function startCatalogService(options: StartCatalogOptions): Promise<RunningCatalogService> {
  const { config, logger, blocks } = options;
  return startService(async (resources) => {
    // Opened first, so closed last: the last views and the relay go out before the bus they publish to closes.
    resources.add('building blocks', () => blocks.close());
    const metrics = options.metrics ?? createServiceMetrics(AppIds.catalog);
    const { db, relay } = await openServiceDatabase(
      { appId: AppIds.catalog, settings: config, db: options.db, migrate: migrateCatalog, eventBus: blocks.eventBus, logger, metrics },
      resources,
    );
    const verifier = options.verifier ?? authServiceTokenVerifier(blocks.invoker, { authAppId: config.AUTH_APP_ID, jwksPath: config.AUTH_JWKS_PATH });
    const apiKeys = new CachingApiKeyVerifier(new AuthApiKeyVerifier({ invoker: blocks.invoker, authAppId: config.AUTH_APP_ID, appApiToken: config.APP_API_TOKEN }), {
      positiveTtlMs: config.API_KEY_CACHE_TTL_SECONDS * 1000,
    });
    const catalog = createCatalogApp({
      trustedProxies: config.TRUSTED_PROXIES,
      db,
      stateStore: blocks.stateStore,
      eventBus: blocks.eventBus,
      verifier,
      authorizations:
        options.authorizations ?? new AuthUserAuthorizations({ invoker: blocks.invoker, authAppId: config.AUTH_APP_ID, appApiToken: config.APP_API_TOKEN }),
      logger,
      metrics,
      readCache: {
        l1MaxEntries: config.L1_CACHE_MAX_ENTRIES,
        l1TtlSeconds: config.L1_CACHE_TTL_SECONDS,
        productTtlSeconds: config.PRODUCT_CACHE_TTL_SECONDS,
        listTtlSeconds: config.LIST_CACHE_TTL_SECONDS,
      },
      broadcastBus: blocks.broadcastBus,
      analyticsFlushIntervalMs: config.ANALYTICS_FLUSH_INTERVAL_MS,
      appApiToken: config.APP_API_TOKEN,
      reservationTtlSeconds: config.RESERVATION_TTL_SECONDS,
      lowStockThreshold: config.LOW_STOCK_THRESHOLD,
      apiKeys,
      rateLimiter: blocks.rateLimiter,
      partnerTierLimits: { free: config.PARTNER_RATE_LIMIT_FREE_PER_MINUTE, standard: config.PARTNER_RATE_LIMIT_STANDARD_PER_MINUTE, premium: config.PARTNER_RATE_LIMIT_PREMIUM_PER_MINUTE },
      outboxRelay: relay,
      mountExtraRoutes: (app) => blocks.mountOnApp(app),
      productHistoryRetentionMonths: config.PRODUCT_HISTORY_RETENTION_MONTHS,
      markets: { markets: config.MARKETS, defaultMarket: config.DEFAULT_MARKET },
      priceConversionRates: config.PRICE_CONVERSION_RATES,
      productLanguages: config.PRODUCT_LANGUAGES,
      mediaBaseUrl: config.MEDIA_PUBLIC_BASE_URL,
      media: openMediaStore(config),
      mediaOrphanGraceSeconds: config.MEDIA_ORPHAN_GRACE_SECONDS,
      mediaSweepIntervalMs: config.MEDIA_SWEEP_INTERVAL_MS,
      // Registered after the building blocks, so stopping flushes it before the bus closes.
      audit: auditRecorderFor(AppIds.catalog, blocks, logger, resources, { metrics }),
    });
    // Price lists in line with today's markets and rates, before the first read (a pass over the catalog only when
    // the markets or rates changed since the last one).
    const priced = await completePriceListsOnPolicyChange(db, priceListPolicyOf({ markets: config.MARKETS, defaultMarket: config.DEFAULT_MARKET }, config.PRICE_CONVERSION_RATES));
    logger.info({ products: priced }, 'price lists completed');
    // This month's history partition before the first write, whether or not the daily job has run yet.
    const partitions = await catalog.maintainPartitions();
    logger.info(partitions, 'product history partitions maintained');
    resources.add('analytics', () => catalog.analytics.close());
    if (config.SEED_DEMO_CATALOG && (await catalog.productQueries.countProducts()) === 0) {
      const report = await seedDemoCatalog(catalog.catalogSync);
      logger.info({ created: report.created, rejected: report.rejected.length }, 'seeded the demo catalog');
      const images = await seedDemoImages(catalog.productImages);
      logger.info(images, 'seeded the demo images');
    }
    subscribeCatalogHandlers(withDeliveryMetrics(blocks.eventBus, metrics), catalog.catalogSync, logger, catalog.catalogMetrics);
    // Every replica must hear of a revoked key: a subscription of this instance's own on the broadcast bus.
    subscribeApiKeyChanges(withDeliveryMetrics(blocks.broadcastBus, metrics), apiKeys, broadcastSubscription(AppIds.catalog, blocks.instanceId), logger);
    // Every replica drops what any replica changed from its L1: the same per-instance group, on its own topic.
    subscribeCacheInvalidations(withDeliveryMetrics(blocks.broadcastBus, metrics), catalog.readCache, broadcastSubscription(AppIds.catalog, blocks.instanceId), logger);
    // In several regions each region's caches are its own (its Redis): changes committed in any region reach them
    // through the catalog's own events, once per region (docs/regions.md).
    if (blocks.region !== undefined) {
      subscribeRegionalCacheInvalidations(
        withDeliveryMetrics(blocks.regionalBus, metrics),
        { cache: catalog.readCache, broadcast: new CacheInvalidationPublisher(blocks.broadcastBus), logger },
        regionalSubscription(AppIds.catalog, blocks.region),
      );
    }
    await blocks.eventBus.start();
    await blocks.broadcastBus.start();
    if (blocks.regionalBus !== blocks.eventBus) await blocks.regionalBus.start();
    relay.start();
    const sweeper = new ReservationSweeper(catalog.reservations, logger, config.RESERVATION_SWEEP_INTERVAL_MS);
    resources.add('reservation sweeper', () => sweeper.stop());
    sweeper.start();
    resources.add('media sweeper', () => catalog.mediaSweeper.stop());
    catalog.mediaSweeper.start();
    const running = await listenService(catalog, config, logger, resources);
    return { ...running, app: catalog };
  });
}

/** A running catalog, with its app (the embedded launcher's demo history seed reaches the services through it). */
export interface RunningCatalogService extends RunningServer {
  app: CatalogApp;
}
