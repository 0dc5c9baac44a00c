import { AppIds, DEFAULT_MARKET_ID, defaultMarkets } from '@shop/contracts';
import { regionalSubscription, type EventBus, type EventHandler, type ServiceInvoker, type StateStore } from '@shop/building-blocks';
import type { TokenVerifier } from '@shop/auth-tokens';
import { type Logger } from '@shop/kernel';
import { cacheLookupRecorder, createHttpApp, createServiceMetrics, type CacheLookupRecorder, type HttpApp, type RunningServer, type ServiceMetrics } from '@shop/platform';
import { authServiceTokenVerifier, listenService, startService, withDeliveryMetrics, type BuildingBlocks } from '@shop/service-runtime';
import type { CartConfig } from './config';
import { CachedProductCatalog } from './clients/cached-product-catalog';
import { InvokerProductCatalog } from './clients/catalog-products.client';
import { StateStoreCartActivityIndex } from './data/cart-activity-index';
import { StateStoreCartRepository } from './data/cart.repository';
import { StateStoreProcessedEvents } from './data/processed-events';
import { CockatielWriteConflictRetry } from './data/write-conflict-retry.policy';
import { AbandonedCartReminders } from './domain/abandoned-cart-reminders';
import { CartService } from './domain/cart.service';
import { newGuestCartId } from './domain/guest-cart-id';
import type { ProductCatalog } from './domain/ports';
import { EventBusAbandonedCartNotices } from './events/publishers';
import { orderConfirmedConsumer, orderConfirmedHandler, subscribeCartHandlers } from './events/subscriptions';
import { createAppTokenGuardedAbandonedCartsRouter } from './http/app-token-guarded-abandoned-carts.routes';
import { createAppTokenGuardedCartCheckoutsRouter } from './http/app-token-guarded-cart-checkouts.routes';
import { createCartRouter } from './http/cart.routes';

/** The settings the cart app runs with: the cart's part of CartConfig. */
export type CartSettings = Pick<
  CartConfig,
  | 'CART_MAX_LINE_QUANTITY'
  | 'CART_MAX_LINES'
  | 'GUEST_CART_TTL_SECONDS'
  | 'USER_CART_TTL_SECONDS'
  | 'CART_WRITE_MAX_ATTEMPTS'
  | 'INBOX_TTL_SECONDS'
  | 'CATALOG_APP_ID'
  | 'CATALOG_TIMEOUT_MS'
  | 'CATALOG_PRODUCT_CACHE_MS'
  | 'ABANDONED_CART_IDLE_HOURS'
  | 'APP_API_TOKEN'
  | 'TRUSTED_PROXIES'
  | 'MARKETS'
  | 'DEFAULT_MARKET'
>;

/** The defaults of CartSettings (as loadCartConfig({}) gives them). */
export const defaultCartSettings: CartSettings = {
  CART_MAX_LINE_QUANTITY: 20,
  CART_MAX_LINES: 50,
  GUEST_CART_TTL_SECONDS: 7 * 24 * 3600,
  USER_CART_TTL_SECONDS: 90 * 24 * 3600,
  CART_WRITE_MAX_ATTEMPTS: 30,
  INBOX_TTL_SECONDS: 7 * 24 * 3600,
  CATALOG_APP_ID: AppIds.catalog,
  CATALOG_TIMEOUT_MS: 3000,
  CATALOG_PRODUCT_CACHE_MS: 1000,
  ABANDONED_CART_IDLE_HOURS: 24,
  TRUSTED_PROXIES: [],
  MARKETS: [...defaultMarkets],
  DEFAULT_MARKET: DEFAULT_MARKET_ID,
};

/** What the cart's HTTP app is built from (tests inject in-memory adapters here). */
export interface CartAppDeps {
  stateStore: StateStore;
  /** Reaches catalog for prices, names and stock. */
  invoker: ServiceInvoker;
  /** Where the cart publishes its events (`cart.abandoned`). */
  eventBus: EventBus;
  verifier: TokenVerifier;
  logger: Logger;
  /** Default: defaultCartSettings. */
  settings?: Partial<CartSettings>;
  metrics?: ServiceMetrics;
  /** Clock for line and cart timestamps and for the abandoned-cart job. Default: the system clock. */
  now?: () => Date;
  /** Extra routes on the app (the building blocks' subscription endpoints). */
  mountExtraRoutes?: Parameters<typeof createHttpApp>[0]['mountRoutes'];
}

/** The cart's HTTP app and its event handler. */
export interface CartApp extends HttpApp {
  /** The `orders` topic handler (order.confirmed → the order's hold on the cart is dropped); idempotent on the event id. */
  handleOrderConfirmed: EventHandler<unknown>;
}

/** Builds the cart's Express app (cart API, health, readiness on the state store, metrics) on the given adapters. */
export function createCartApp(deps: CartAppDeps): CartApp {
  const settings: CartSettings = { ...defaultCartSettings, ...deps.settings };
  const metrics = deps.metrics ?? createServiceMetrics(AppIds.cart, { collectProcessMetrics: false });
  const repository = new StateStoreCartRepository(deps.stateStore, { guestSeconds: settings.GUEST_CART_TTL_SECONDS, userSeconds: settings.USER_CART_TTL_SECONDS });
  // One policy for every guarded read-modify-write: carts and activity buckets alike.
  const writeRetry = new CockatielWriteConflictRetry({ maxAttempts: settings.CART_WRITE_MAX_ATTEMPTS });
  const activity = new StateStoreCartActivityIndex(deps.stateStore, writeRetry);
  const service = new CartService({
    repository,
    activity,
    catalog: productCatalogOf(deps.invoker, settings, cacheLookupRecorder(metrics, 'cart_product')),
    processedOrderEvents: new StateStoreProcessedEvents(deps.stateStore, orderConfirmedConsumer, settings.INBOX_TTL_SECONDS),
    limits: { maxLineQuantity: settings.CART_MAX_LINE_QUANTITY, maxLines: settings.CART_MAX_LINES },
    markets: { markets: settings.MARKETS, defaultMarket: settings.DEFAULT_MARKET },
    writeRetry,
    newGuestCartId,
    logger: deps.logger,
    now: deps.now,
  });
  const reminders = new AbandonedCartReminders({ repository, activity, notices: new EventBusAbandonedCartNotices(deps.eventBus), logger: deps.logger, now: deps.now });
  const httpApp = createHttpApp({
    service: AppIds.cart,
    logger: deps.logger,
    // The guest cart's cookie is Secure when the request came over HTTPS, which only a trusted proxy can tell.
    trustedProxies: settings.TRUSTED_PROXIES,
    metrics,
    readinessChecks: [{ name: 'state-store', check: async () => void (await deps.stateStore.get('cart:readiness-probe')) }],
    mountRoutes: (app) => {
      deps.mountExtraRoutes?.(app);
      app.use(createAppTokenGuardedAbandonedCartsRouter({ reminders, defaultIdleHours: settings.ABANDONED_CART_IDLE_HOURS, appApiToken: settings.APP_API_TOKEN }));
      app.use(createAppTokenGuardedCartCheckoutsRouter({ service, appApiToken: settings.APP_API_TOKEN }));
      app.use('/api/cart', createCartRouter({ service, verifier: deps.verifier, guestCartTtlSeconds: settings.GUEST_CART_TTL_SECONDS, markets: { markets: settings.MARKETS, defaultMarket: settings.DEFAULT_MARKET } }));
    },
  });
  return { ...httpApp, handleOrderConfirmed: orderConfirmedHandler(service, deps.logger) };
}

/** Catalog through service invocation, its answers reused for CATALOG_PRODUCT_CACHE_MS (0: not at all). */
function productCatalogOf(invoker: ServiceInvoker, settings: CartSettings, lookups: CacheLookupRecorder): ProductCatalog {
  const catalog = new InvokerProductCatalog(invoker, { catalogAppId: settings.CATALOG_APP_ID, timeoutMs: settings.CATALOG_TIMEOUT_MS });
  if (settings.CATALOG_PRODUCT_CACHE_MS === 0) return catalog;
  return new CachedProductCatalog(catalog, { ttlMs: settings.CATALOG_PRODUCT_CACHE_MS, maxProducts: 10_000, lookups });
}

/** What `startCartService` needs; `verifier` is built from the config when not given. */
export interface StartCartOptions {
  config: CartConfig;
  logger: Logger;
  blocks: BuildingBlocks;
  /** Verifies access tokens; default: against the auth service's JWKS, fetched through service invocation. */
  verifier?: TokenVerifier;
  metrics?: ServiceMetrics;
}

/**
 * Starts the cart: builds the app on the building blocks (publishing on their event bus), subscribes to the `orders` topic, starts the bus and
 * listens on PORT. `stop()` drains requests, then closes the building blocks.
 */
export function startCartService(options: StartCartOptions): Promise<RunningServer> {
  const { config, logger, blocks } = options;
  return startService(async (resources) => {
    resources.add('building blocks', () => blocks.close());
    const verifier = options.verifier ?? authServiceTokenVerifier(blocks.invoker, { authAppId: config.AUTH_APP_ID, jwksPath: config.AUTH_JWKS_PATH });
    const metrics = options.metrics ?? createServiceMetrics(AppIds.cart);
    const cart = createCartApp({
      stateStore: blocks.stateStore,
      invoker: blocks.invoker,
      eventBus: blocks.eventBus,
      verifier,
      logger,
      settings: config,
      metrics,
      mountExtraRoutes: (app) => blocks.mountOnApp(app),
    });
    if (blocks.region === undefined) subscribeCartHandlers(withDeliveryMetrics(blocks.eventBus, metrics), cart.handleOrderConfirmed);
    // In several regions carts live in their region's Redis: every region's cart service must hear of every order
    // (the one that holds the cart drops its hold), not whichever region's replica takes the event first.
    else subscribeCartHandlers(withDeliveryMetrics(blocks.regionalBus, metrics), cart.handleOrderConfirmed, regionalSubscription(AppIds.cart, blocks.region));
    await blocks.eventBus.start();
    if (blocks.regionalBus !== blocks.eventBus) await blocks.regionalBus.start();
    return listenService(cart, config, logger, resources);
  });
}

