import path from 'node:path';
import type { Express } from 'express';
import { AppIds } from '@shop/contracts';
import type { TokenVerifier, UserAuthorizations } from '@shop/auth-tokens';
import { migrateOutbox } from '@shop/outbox';
import { createHttpApp, createServiceMetrics, type HttpApp, type RunningServer, type ServiceMetrics } from '@shop/platform';
import { migrate, type Database } from '@shop/postgres';
import { AuthUserAuthorizations, auditRecorderFor, databaseReadinessCheck, authServiceTokenVerifier, listenService, openServiceDatabase, startService, withDeliveryMetrics, type BuildingBlocks } from '@shop/service-runtime';
import type { OrderConfig } from './config';
import { SqlOrderRepository } from './data/orders.repository';
import { SqlAnalyticsAggregates, SqlReportsRepository } from './data/reports.repository';
import { DailyReportService, type ProductCategoryLookup } from './domain/daily-report';
import { subscribeOrderHandlers } from './events/subscriptions';
import { createReportsAdminRouter } from './http/reports.routes';
import { createAppTokenGuardedDailyReportRouter } from './http/app-token-guarded-daily-report.routes';
import { CatalogProductCategories } from './clients/catalog-product-categories';
import { CheckoutRecovery, type CheckoutRecoverySettings } from './jobs/checkout-recovery';
import { createCheckoutMetrics } from './http/prometheus-checkout-metrics';
import { CheckoutService, type CheckoutHooks, type CheckoutSettings } from './domain/checkout.service';
import { OrderService } from './domain/order.service';
import type { CartCheckouts, Clock, PaymentProvider, StockReservations } from './domain/ports';
import { createOrdersRouter } from './http/orders.routes';
import { CartServiceCheckouts } from './clients/cart-checkouts';
import { CatalogStockReservations } from './clients/catalog-stock-reservations';
import { SimulatedPaymentProvider } from './clients/simulated-payment-provider';
import { AppError, type AuditRecorder, type Logger } from '@shop/kernel';

/** Where the SQL migrations are, from src (tests) and from dist alike. */
export const orderMigrationsDir = path.join(__dirname, '..', 'migrations');

/** The system clock: the checkout's waits are this process's timers (the domain itself starts none). */
export const systemClock: Clock = {
  now: () => Date.now(),
  wait: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Applies the order service's migrations and the outbox/inbox tables. */
export async function migrateOrderDatabase(db: Database): Promise<void> {
  await migrate(db, orderMigrationsDir);
  await migrateOutbox(db);
}

/** What the order HTTP app is built from (tests inject their adapters here). */
export interface OrderAppDeps {
  /** Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (TRUSTED_PROXIES); default: nobody. */
  trustedProxies?: readonly string[];
  /** A migrated database (see `migrateOrderDatabase`). */
  db: Database;
  verifier: TokenVerifier;
  /** Current roles in auth's database, confirmed before an admin cancels someone else's order; default: none (503). */
  authorizations?: UserAuthorizations;
  /** The shopper's cart: read, taken by the order, given back when it does not go through. */
  cart: CartCheckouts;
  stock: StockReservations;
  payments: PaymentProvider;
  logger: Logger;
  checkoutSettings: CheckoutSettings;
  recoverySettings: CheckoutRecoverySettings;
  /** Test seams inside the saga (simulate a crash after the reservation). */
  checkoutHooks?: CheckoutHooks;
  metrics?: ServiceMetrics;
  /** Called after a commit that wrote events to the outbox (nudges the relay). */
  onEventsWritten?: () => void;
  /** Routes the building blocks need on the app (Dapr subscriptions). */
  mountOnApp?: (app: Express) => void;
  /** Categories of sold products for the daily report (catalog's public product API). */
  categories: ProductCategoryLookup;
  /** Dapr's app API token: when set, the internal routes (daily report) require it. */
  appApiToken?: string;
  /** Clock of the daily report's generatedAt. */
  clock?: () => Date;
  /** Where admins' order status changes are audited; default: nowhere. */
  audit?: AuditRecorder;
}

/** Fails closed: an app built without a way to ask auth confirms nobody's role. */
const noAuthorizations: UserAuthorizations = {
  authorizationOf: () => Promise.reject(new AppError('unavailable', 'This order service cannot confirm admin roles with the auth service', { retryAfterSeconds: 1 })),
};

/** The order app, with the services and the recovery loop (not started) behind it. */
export interface OrderApp extends HttpApp {
  checkout: CheckoutService;
  orders: OrderService;
  recovery: CheckoutRecovery;
  reports: DailyReportService;
  /** The same checkout saga on another clock, with orders dated by it (the demo history seed places orders in the past). */
  checkoutAt(clock: Clock): CheckoutService;
}

/** Builds the order service's Express app (routes under /api/orders, health, metrics, problem+json) without listening. */
export function createOrderApp(deps: OrderAppDeps): OrderApp {
  const metrics = deps.metrics ?? createServiceMetrics(AppIds.order, { collectProcessMetrics: false });
  const checkoutMetrics = createCheckoutMetrics(metrics);
  const repository = new SqlOrderRepository(deps.db, deps.onEventsWritten);
  const checkout = new CheckoutService({
    repository,
    cart: deps.cart,
    stock: deps.stock,
    payments: deps.payments,
    settings: deps.checkoutSettings,
    clock: systemClock,
    logger: deps.logger,
    hooks: deps.checkoutHooks,
  });
  const orders = new OrderService({ repository, stock: deps.stock, payments: deps.payments, cart: deps.cart, logger: deps.logger, audit: deps.audit });
  const recovery = new CheckoutRecovery({ repository, checkout, logger: deps.logger, settings: deps.recoverySettings, checkoutMetrics });
  const reports = new DailyReportService({ repository: new SqlReportsRepository(deps.db), categories: deps.categories, clock: deps.clock });
  const httpApp = createHttpApp({
    service: AppIds.order,
    logger: deps.logger,
    trustedProxies: deps.trustedProxies,
    metrics,
    readinessChecks: [databaseReadinessCheck(deps.db)],
    mountRoutes: (app) => {
      deps.mountOnApp?.(app);
      app.use(createAppTokenGuardedDailyReportRouter({ reports, appApiToken: deps.appApiToken }));
      // Before the orders router, whose authenticate() applies to everything under /api/orders.
      app.use('/api/orders/reports', createReportsAdminRouter({ reports, verifier: deps.verifier }));
      app.use('/api/orders', createOrdersRouter({ checkout, orders, verifier: deps.verifier, authorizations: deps.authorizations ?? noAuthorizations, checkoutMetrics }));
    },
  });
  const checkoutAt = (clock: Clock): CheckoutService =>
    new CheckoutService({
      repository: new SqlOrderRepository(deps.db, deps.onEventsWritten, () => new Date(clock.now())),
      cart: deps.cart,
      stock: deps.stock,
      payments: deps.payments,
      settings: deps.checkoutSettings,
      clock,
      logger: deps.logger,
    });
  return { ...httpApp, checkout, orders, recovery, reports, checkoutAt };
}

/** What `startOrderService` needs; `db`, `verifier` and `paymentProvider` are built from the config when not given. */
export interface StartOrderOptions {
  config: OrderConfig;
  logger: Logger;
  blocks: BuildingBlocks;
  /** An already open database (the embedded launcher, tests); it is then not closed on stop. */
  db?: Database;
  /** Verifies access tokens; default: against the auth service's JWKS, fetched through service invocation. */
  verifier?: TokenVerifier;
  /** Confirms admin roles; default: auth's internal route, through service invocation. */
  authorizations?: UserAuthorizations;
  /** Default: the SimulatedPaymentProvider on the building blocks' state store. */
  paymentProvider?: PaymentProvider;
  checkoutHooks?: CheckoutHooks;
  metrics?: ServiceMetrics;
}

/** A running order service, with its app (tests reach the recovery loop through it). */
export interface RunningOrderService extends RunningServer {
  app: OrderApp;
}

/**
 * Starts the order service: opens and migrates the database, builds the app, subscribes to the analytics topic,
 * starts the bus, the outbox relay and the
 * recovery loop (which runs a round at once) and listens on PORT. `stop()` drains requests, then stops the loop
 * and the relay, closes the database (when it opened it) and the building blocks.
 */
export function startOrderService(options: StartOrderOptions): Promise<RunningOrderService> {
  const { config, logger, blocks } = options;
  return startService(async (resources) => {
    // Opened first, so closed last: the loop and the relay stop before the bus and the database they use.
    resources.add('building blocks', () => blocks.close());
    const metrics = options.metrics ?? createServiceMetrics(AppIds.order);
    const { db, relay } = await openServiceDatabase(
      { appId: AppIds.order, settings: config, db: options.db, migrate: migrateOrderDatabase, eventBus: blocks.eventBus, logger, metrics },
      resources,
    );
    const verifier = options.verifier ?? authServiceTokenVerifier(blocks.invoker, { authAppId: config.AUTH_APP_ID, jwksPath: config.AUTH_JWKS_PATH });
    const app = createOrderApp({
      trustedProxies: config.TRUSTED_PROXIES,
      db,
      verifier,
      authorizations:
        options.authorizations ?? new AuthUserAuthorizations({ invoker: blocks.invoker, authAppId: config.AUTH_APP_ID, appApiToken: config.APP_API_TOKEN }),
      logger,
      cart: new CartServiceCheckouts({ invoker: blocks.invoker, cartAppId: config.CART_APP_ID, appApiToken: config.APP_API_TOKEN }),
      stock: new CatalogStockReservations({ invoker: blocks.invoker, catalogAppId: config.CATALOG_APP_ID, appApiToken: config.APP_API_TOKEN }),
      payments: options.paymentProvider ?? new SimulatedPaymentProvider({ stateStore: blocks.stateStore, slowAnswerMs: config.PAYMENT_TIMEOUT_MS + 1000 }),
      checkoutSettings: {
        reservationTtlSeconds: config.RESERVATION_TTL_SECONDS,
        paymentTimeoutMs: config.PAYMENT_TIMEOUT_MS,
        idempotencyWaitMs: config.IDEMPOTENCY_WAIT_MS,
      },
      recoverySettings: {
        intervalMs: config.RECOVERY_INTERVAL_MS,
        staleAfterMs: config.RECOVERY_STALE_AFTER_MS,
        leaseMs: config.RECOVERY_LEASE_MS,
        batchSize: config.RECOVERY_BATCH_SIZE,
      },
      checkoutHooks: options.checkoutHooks,
      metrics,
      onEventsWritten: () => relay.nudge(),
      mountOnApp: (expressApp) => blocks.mountOnApp(expressApp),
      categories: new CatalogProductCategories({ invoker: blocks.invoker, catalogAppId: config.CATALOG_APP_ID }),
      appApiToken: config.APP_API_TOKEN,
      // Registered after the building blocks, so stopping flushes it before the bus closes.
      audit: auditRecorderFor(AppIds.order, blocks, logger, resources, { metrics }),
    });
    subscribeOrderHandlers(withDeliveryMetrics(blocks.eventBus, metrics), { aggregates: new SqlAnalyticsAggregates(db), logger });
    await blocks.eventBus.start();
    relay.start();
    resources.add('checkout recovery', () => app.recovery.stop());
    app.recovery.start();
    const running = await listenService(app, config, logger, resources);
    return { ...running, app };
  });
}

