import path from 'node:path';
import { AppIds } from '@shop/contracts';
import type { EventBus, StateStore } from '@shop/building-blocks';
import type { TokenVerifier } from '@shop/auth-tokens';
import { createHttpApp, createServiceMetrics, listen, type HttpApp, type RunningServer, type ServiceMetrics } from '@shop/platform';
import { migrate, openDatabase, type Database } from '@shop/postgres';
import { authServiceTokenVerifier, type BuildingBlocks } from '@shop/service-runtime';
import type { CatalogConfig } from './config';
import { SqlCatalogRepository } from './data/catalog.repository';
import { OutboxRelay, migrateOutbox } from './data/outbox';
import { StateStoreProductCache } from './data/product-cache';
import { SqlReservationRepository } from './data/reservation.repository';
import { CatalogService } from './domain/catalog.service';
import { ReservationService } from './domain/reservation.service';
import { SyncRunService } from './domain/sync-run.service';
import { AnalyticsPublisher } from './events/publishers';
import { subscribeCatalogHandlers } from './events/subscriptions';
import { createAdminProductsRouter } from './http/admin-products.routes';
import { createCategoriesRouter } from './http/categories.routes';
import { createInternalRouter } from './http/internal.routes';
import { createProductsRouter } from './http/products.routes';
import { createReservationsRouter } from './http/reservations.routes';
import { createSyncRunsAdminRouter, createSyncRunsInternalRouter } from './http/sync-runs.routes';
import { ReservationSweeper } from './jobs/reservation-sweeper';
import { seedDemoCatalog } from './seed/demo-catalog';
import { type Logger } from '@shop/kernel';

/** Where the SQL migrations are, from src (tests) and from dist alike. */
export const catalogMigrationsDir = path.join(__dirname, '..', 'migrations');

/** Applies the catalog's migrations and the outbox/inbox tables. */
export async function migrateCatalog(db: Database): Promise<void> {
  await migrate(db, catalogMigrationsDir);
  await migrateOutbox(db);
}

/** What the catalog's HTTP app is built from (tests inject in-memory adapters here). */
export interface CatalogAppDeps {
  db: Database;
  stateStore: StateStore;
  eventBus: EventBus;
  verifier: TokenVerifier;
  logger: Logger;
  metrics?: ServiceMetrics;
  /** Default 30 s. */
  productCacheTtlSeconds?: number;
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
}

type HttpAppMount = Parameters<typeof createHttpApp>[0]['mountRoutes'];

/** The catalog's HTTP app and the service behind it. */
export interface CatalogApp extends HttpApp {
  service: CatalogService;
  /** Stock reservations of the checkout. */
  reservations: ReservationService;
  /** Runs of the external catalog sync. */
  syncRuns: SyncRunService;
  /** Publishes anonymous views (aggregated) and searches; close it on shutdown to publish the last views. */
  analytics: AnalyticsPublisher;
}

/** Builds the catalog's Express app (public, admin and internal routes, health, metrics) on the given adapters. */
export function createCatalogApp(deps: CatalogAppDeps): CatalogApp {
  const cache = new StateStoreProductCache(deps.stateStore, deps.productCacheTtlSeconds ?? 30);
  const service = new CatalogService({
    repository: new SqlCatalogRepository(deps.db),
    cache,
    onEventsCommitted: () => deps.outboxRelay?.nudge(),
    logger: deps.logger,
  });
  const syncRuns = new SyncRunService({ repository: new SqlCatalogRepository(deps.db), cache, onEventsCommitted: () => deps.outboxRelay?.nudge(), logger: deps.logger });
  const reservations = new ReservationService({
    repository: new SqlReservationRepository(deps.db),
    cache,
    onEventsCommitted: () => deps.outboxRelay?.nudge(),
    logger: deps.logger,
    defaultTtlSeconds: deps.reservationTtlSeconds ?? 900,
    lowStockThreshold: deps.lowStockThreshold ?? 5,
  });
  const analytics = new AnalyticsPublisher(deps.eventBus, deps.logger, { viewFlushIntervalMs: deps.analyticsFlushIntervalMs });
  const httpApp = createHttpApp({
    service: AppIds.catalog,
    logger: deps.logger,
    metrics: deps.metrics ?? createServiceMetrics(AppIds.catalog, { collectProcessMetrics: false }),
    readinessChecks: [
      { name: 'database', check: () => deps.db.ping() },
      { name: 'state-store', check: async () => void (await deps.stateStore.get('catalog:readiness-probe')) },
    ],
    mountRoutes: (app) => {
      deps.mountExtraRoutes?.(app);
      app.use('/api/catalog', createProductsRouter({ service, analytics }));
      app.use('/api/catalog', createCategoriesRouter({ service }));
      app.use('/api/catalog', createAdminProductsRouter({ service, verifier: deps.verifier }));
      app.use('/api/catalog', createSyncRunsAdminRouter({ syncRuns, verifier: deps.verifier }));
      app.use('/internal/catalog', createInternalRouter({ service, verifier: deps.verifier }));
      app.use(createReservationsRouter({ reservations, appApiToken: deps.appApiToken }));
      app.use(createSyncRunsInternalRouter({ syncRuns, appApiToken: deps.appApiToken }));
    },
  });
  return { ...httpApp, service, reservations, syncRuns, analytics };
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
  metrics?: ServiceMetrics;
}

/**
 * Starts the catalog: opens and migrates the database, seeds the demo catalog when configured and the catalog
 * is empty, builds the app, subscribes to catalog-sync, starts the outbox relay and the expired-reservation sweeper
 * (every RESERVATION_SWEEP_INTERVAL_MS; 0 disables it) and listens on PORT.
 * `stop()` drains requests, then stops the sweeper and the relay, closes the database (when it opened it) and the building blocks.
 */
export async function startCatalogService(options: StartCatalogOptions): Promise<RunningServer> {
  const { config, logger, blocks } = options;
  const ownsDb = options.db === undefined;
  const db =
    options.db ??
    (await openDatabase({
      url: config.DATABASE_URL,
      readUrl: config.DATABASE_READ_URL,
      embeddedDataDir: config.DATABASE_URL ? undefined : path.resolve(config.DATA_DIR),
      applicationName: AppIds.catalog,
      maxConnections: config.DATABASE_MAX_CONNECTIONS,
    }));
  let sweeper: ReservationSweeper | undefined;
  try {
    await migrateCatalog(db);
    const relay = new OutboxRelay({ db, eventBus: blocks.eventBus, logger, pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS });
    const verifier = options.verifier ?? authServiceTokenVerifier(blocks.invoker, { authAppId: config.AUTH_APP_ID, jwksPath: config.AUTH_JWKS_PATH });
    const catalog = createCatalogApp({
      db,
      stateStore: blocks.stateStore,
      eventBus: blocks.eventBus,
      verifier,
      logger,
      metrics: options.metrics ?? createServiceMetrics(AppIds.catalog),
      productCacheTtlSeconds: config.PRODUCT_CACHE_TTL_SECONDS,
      analyticsFlushIntervalMs: config.ANALYTICS_FLUSH_INTERVAL_MS,
      appApiToken: config.APP_API_TOKEN,
      reservationTtlSeconds: config.RESERVATION_TTL_SECONDS,
      lowStockThreshold: config.LOW_STOCK_THRESHOLD,
      outboxRelay: relay,
      mountExtraRoutes: (app) => blocks.mountOnApp(app),
    });
    if (config.SEED_DEMO_CATALOG && (await catalog.service.countProducts()) === 0) {
      const report = await seedDemoCatalog(catalog.service);
      logger.info({ created: report.created, rejected: report.rejected.length }, 'seeded the demo catalog');
    }
    subscribeCatalogHandlers(blocks.eventBus, catalog.service, logger);
    await blocks.eventBus.start();
    relay.start();
    const startedSweeper = new ReservationSweeper(catalog.reservations, logger, config.RESERVATION_SWEEP_INTERVAL_MS);
    sweeper = startedSweeper;
    startedSweeper.start();
    return await listen(catalog, {
      port: config.PORT,
      host: config.HOST,
      logger,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      // Closed last-first: the last views and the relay go out before the bus they publish to and the database.
      closers: [
        { name: 'building blocks', close: () => blocks.close() },
        ...(ownsDb ? [{ name: 'database', close: () => db.close() }] : []),
        { name: 'outbox relay', close: () => relay.stop() },
        { name: 'analytics', close: () => catalog.analytics.close() },
        { name: 'reservation sweeper', close: () => startedSweeper.stop() },
      ],
    });
  } catch (error) {
    await sweeper?.stop();
    if (ownsDb) await db.close().catch(() => undefined);
    throw error;
  }
}

