import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { loadAuthConfig, startAuthService } from '@shop/auth';
import { InMemoryBroker, InMemoryEventBus } from '@shop/building-blocks';
import { loadCartConfig, startCartService } from '@shop/cart';
import { loadCatalogConfig, startCatalogService } from '@shop/catalog';
import { AppIds } from '@shop/contracts';
import { startLocalFunctions, type LocalFunctions } from '@shop/functions';
import { createGatewayApp, isWebAppBuilt } from '@shop/gateway';
import { loadOrderConfig, startOrderService } from '@shop/order';
import { createServiceMetrics, listen, type RunningServer } from '@shop/platform';
import { createEmbeddedBuildingBlocks } from '@shop/service-runtime';
import { resolveAdminPassword, resolveEmbeddedApiKeyHashSecret, resolveEmbeddedSigningKeys, type SecretSource } from './local-secrets';
import { embeddedServiceEnvironment, type LauncherConfig } from './config';
import { seedDemoHistory } from './demo-history.seed';
import { type Logger } from '@shop/kernel';

/** apps/storefront/dist of this checkout (this file runs from apps/launcher/dist or, in tests, apps/launcher/src). */
/** Illustrative rates for the demo's markets (units per euro), so `npm start` prices every product in every market; not market data. */
const demoConversionRates = { EUR: '1', USD: '1.08', GBP: '0.85', JPY: '162' };

const defaultWebAppDir = resolve(__dirname, '../../storefront/dist');

/** The running embedded platform. */
export interface EmbeddedPlatform {
  /** The gateway: the platform's one public URL. */
  url: string;
  /** The built storefront the gateway serves at `/`; undefined when it has not been built. */
  webAppDir: string | undefined;
  /** Where each service listens (loopback, any free port). */
  serviceUrls: Record<string, string>;
  /** Where each service's and the gateway's /metrics are (the gateway's on a port of its own, never the public one). */
  metricsUrls: Record<string, string>;
  admin: { email: string; password: string; passwordSource: SecretSource };
  /** Stops the gateway first, then the services in reverse start order. */
  stop(): Promise<void>;
}

/**
 * Starts auth, catalog, cart, order, the Functions app's jobs and notifications, and the gateway in this process on embedded defaults: a PGlite database per service under
 * DATA_DIR, one in-memory broker shared by the services' event buses, direct HTTP between services. Each service
 * is the same code that runs alone in a container; only the adapters differ.
 */
export async function startEmbeddedPlatform(config: LauncherConfig, environment: NodeJS.ProcessEnv, loggerFor: (service: string) => Logger): Promise<EmbeddedPlatform> {
  const dataDir = resolve(config.DATA_DIR);
  const admin = await resolveAdminPassword(config.ADMIN_PASSWORD, join(dataDir, 'admin-password.txt'));
  const signingKeys = await resolveEmbeddedSigningKeys(config.AUTH_SIGNING_KEYS, join(dataDir, 'auth-signing-key.pem'));
  const apiKeyHashSecret = await resolveEmbeddedApiKeyHashSecret(config.API_KEY_HASH_SECRET, join(dataDir, 'api-key-hash-secret.txt'));
  const broker = new InMemoryBroker({ logger: loggerFor('broker') });
  const serviceUrls: Record<string, string> = {};
  const started: RunningServer[] = [];
  // The shop's origin must be known before auth starts (only its pages may refresh a session), so port 0 is chosen now.
  const gatewayPort = config.PORT === 0 ? await freePort(config.HOST) : config.PORT;
  const publicBaseUrl = `http://localhost:${gatewayPort}`;
  // The services listen on loopback and believe the X-Forwarded-For of the gateway in front of them, also on loopback.
  const common = { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: config.LOG_LEVEL, PUBLIC_BASE_URL: publicBaseUrl, TRUSTED_PROXIES: 'loopback' };
  const shopOrigins = [`http://localhost:${gatewayPort}`, `http://127.0.0.1:${gatewayPort}`];
  if (!['0.0.0.0', '127.0.0.1', 'localhost', '::'].includes(config.HOST)) shopOrigins.push(`http://${config.HOST}:${gatewayPort}`);

  let functions: LocalFunctions | undefined;
  const stopAll = async () => {
    await functions?.stop();
    for (const server of [...started].reverse()) await server.stop();
  };
  try {
    const auth = await startAuthService({
      config: loadAuthConfig(
        embeddedServiceEnvironment(environment, {
          ...common,
          DATA_DIR: join(dataDir, AppIds.auth),
          ADMIN_EMAIL: config.ADMIN_EMAIL,
          ADMIN_PASSWORD: admin.password,
          AUTH_SIGNING_KEYS: signingKeys,
          API_KEY_HASH_SECRET: apiKeyHashSecret,
          SHOP_ORIGINS: environment.SHOP_ORIGINS || shopOrigins.join(','),
        }),
      ),
      logger: loggerFor(AppIds.auth),
      blocks: createEmbeddedBuildingBlocks({ appId: AppIds.auth, broker, serviceUrls: { ...serviceUrls } }),
      closeBlocksOnStop: true,
    });
    started.push(auth);
    serviceUrls[AppIds.auth] = auth.url;

    const catalog = await startCatalogService({
      config: loadCatalogConfig(
        embeddedServiceEnvironment(environment, {
          ...common,
          DATA_DIR: join(dataDir, AppIds.catalog),
          // Beside the databases, not inside the catalog's PGlite folder; an operator's own MEDIA_DIRECTORY wins.
          MEDIA_DIRECTORY: environment.MEDIA_DIRECTORY || join(dataDir, 'media'),
          SEED_DEMO_CATALOG: String(config.SEED_DEMO_CATALOG),
          // The demo prices its products in every market; an operator's own table replaces this one.
          PRICE_CONVERSION_RATES: environment.PRICE_CONVERSION_RATES || JSON.stringify(demoConversionRates),
        }),
      ),
      logger: loggerFor(AppIds.catalog),
      blocks: createEmbeddedBuildingBlocks({ appId: AppIds.catalog, broker, serviceUrls: { ...serviceUrls } }),
    });
    started.push(catalog);
    serviceUrls[AppIds.catalog] = catalog.url;

    const cart = await startCartService({
      config: loadCartConfig(embeddedServiceEnvironment(environment, common)),
      logger: loggerFor(AppIds.cart),
      blocks: createEmbeddedBuildingBlocks({ appId: AppIds.cart, broker, serviceUrls: { ...serviceUrls } }),
    });
    started.push(cart);
    serviceUrls[AppIds.cart] = cart.url;

    const order = await startOrderService({
      config: loadOrderConfig(embeddedServiceEnvironment(environment, { ...common, DATA_DIR: join(dataDir, AppIds.order) })),
      logger: loggerFor(AppIds.order),
      blocks: createEmbeddedBuildingBlocks({ appId: AppIds.order, broker, serviceUrls: { ...serviceUrls } }),
    });
    started.push(order);
    serviceUrls[AppIds.order] = order.url;

    // The Azure Functions app's timers and notification handlers, run in-process on the shared broker.
    functions = await startLocalFunctions({
      eventBus: new InMemoryEventBus({ source: AppIds.functions, broker }),
      serviceUrls: { auth: auth.url, catalog: catalog.url, cart: cart.url, order: order.url },
      logger: loggerFor(AppIds.functions),
      emailOutboxDir: join(dataDir, 'outbox'),
      reportsDir: join(dataDir, 'reports'),
      // The password reset and e-mail verification links open the storefront behind this gateway.
      shopPublicUrl: environment.SHOP_PUBLIC_URL || publicBaseUrl,
      // SYNC_SOURCES (and the other SYNC_* settings) in the environment schedule the catalog sync as well.
      syncEnvironment: environment,
    });

    const gatewayLogger = loggerFor(AppIds.gateway);
    const builtWebAppDir = [resolve(config.WEB_APP_DIR ?? defaultWebAppDir)].find(isWebAppBuilt);
    const gateway = await listen(
      createGatewayApp({
        logger: gatewayLogger,
        metrics: createServiceMetrics(AppIds.gateway),
        serviceUrls: { ...serviceUrls },
        webAppDir: builtWebAppDir,
        trustedProxies: config.TRUSTED_PROXIES,
      }),
      // Its metrics on a loopback port of their own: the public port never serves them, a local Prometheus scrapes this one.
      { port: gatewayPort, host: config.HOST, logger: gatewayLogger, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS, metricsPort: 0 },
    );
    started.push(gateway);
    const gatewayHost = config.HOST === '0.0.0.0' || config.HOST === '127.0.0.1' ? 'localhost' : config.HOST;
    if (config.SEED_DEMO_CATALOG && config.DEMO_HISTORY_DAYS > 0) {
      // After everything is up: the history goes through the gateway, the services and the broker like live traffic.
      const seedLogger = loggerFor('demo-history');
      const analytics = new InMemoryEventBus({ source: AppIds.catalog, broker });
      const seeded = await seedDemoHistory({
        gatewayUrl: `http://${['0.0.0.0', '::', 'localhost'].includes(config.HOST) ? '127.0.0.1' : config.HOST}:${gateway.port}`,
        catalog: catalog.app,
        order: order.app,
        analytics,
        // Bounded: a notification retrying in the background must not hold the start; the analytics are long counted by then.
        settle: () => Promise.race([broker.whenIdle(), new Promise<void>((resolveWait) => setTimeout(resolveWait, 15_000).unref())]),
        logger: seedLogger,
        days: config.DEMO_HISTORY_DAYS,
      });
      if (seeded !== 'skipped') seedLogger.info(seeded, 'seeded the demo history');
    }
    return {
      url: `http://${gatewayHost}:${gateway.port}`,
      webAppDir: builtWebAppDir,
      serviceUrls: { ...serviceUrls },
      metricsUrls: {
        ...Object.fromEntries(Object.entries(serviceUrls).map(([appId, url]) => [appId, `${url}/metrics`])),
        ...(gateway.metricsUrl ? { [AppIds.gateway]: gateway.metricsUrl } : {}),
      },
      admin: { email: config.ADMIN_EMAIL, password: admin.password, passwordSource: admin.source },
      stop: async () => {
        await stopAll();
        await broker.close();
      },
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    await broker.close().catch(() => undefined);
    throw error;
  }
}

/** A TCP port that is free on `host` right now (the gateway binds it a moment later). */
function freePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port was assigned'))));
    });
  });
}
