import type { Express } from 'express';
import { AccessTokenSigner, StaticJwks, TokenVerifier, generateSigningKey, type SigningKey } from '@shop/auth-tokens';
import { randomBytes } from 'node:crypto';
import type { EventBus, StateStore } from '@shop/building-blocks';
import { AppIds } from '@shop/contracts';
import { createHttpApp, createServiceMetrics, rateLimitRejectionRecorder, type HttpApp, type RunningServer, type ServiceMetrics } from '@shop/platform';
import type { Database } from '@shop/postgres';
import { auditRecorderFor, databaseReadinessCheck, listenService, openServiceDatabase, startService, withDeliveryMetrics } from '@shop/service-runtime';
import { createAuditLogModule, type AuditLogModule } from './audit-log.module';
import { resolveShopOrigins, type AuthConfig } from './config';
import { type AuditRecorder, type Logger } from '@shop/kernel';
import { ApiKeyHasher } from './domain/api-key';
import { ApiKeysService } from './domain/api-keys.service';
import { SqlApiKeysRepository } from './data/api-keys.repository';
import { BroadcastApiKeyChanges, noApiKeyChangeNotifier } from './events/api-key-changes';
import { apiKeysBasePath, apiKeysRoutes } from './http/api-keys.routes';
import { createAppTokenGuardedApiKeyVerificationRouter } from './http/app-token-guarded-api-key-verification.routes';
import { createAuthStore, migrateAuthDatabase } from './data/auth-store';
import { OutboxAuthEvents } from './events/publishers';
import { SqlLoginThrottle } from './data/login-throttle';
import { AuthService } from './domain/auth.service';
import { PasswordHasher } from './domain/password-hasher';
import { createAppTokenGuardedUserContactsRouter } from './http/app-token-guarded-user-contacts.routes';
import { createAppTokenGuardedUserAuthorizationsRouter } from './http/app-token-guarded-user-authorizations.routes';
import { UsersTableAuthorizations } from './data/user-authorizations';
import { SqlUsersRepository } from './data/users.repository';
import { authRoutes } from './http/auth.routes';
import { usersRoutes } from './http/users.routes';
import { authBasePath, wellKnownRoutes } from './http/well-known.routes';

export { migrateAuthDatabase } from './data/auth-store';

/** What the auth HTTP app is built from; tests inject their own database, state store and keys. */
export interface AuthAppDeps {
  config: AuthConfig;
  logger: Logger;
  /** A migrated database (see `migrateAuthDatabase`). */
  db: Database;
  /** Not read any more (the login throttle counts in `db`); kept until the launcher and tests stop passing it. */
  stateStore: StateStore;
  /** The first signs; all are published in the JWKS. */
  signingKeys: SigningKey[];
  metrics?: ServiceMetrics;
  /** Routes the building blocks need on the app (Dapr subscriptions). */
  mountOnApp?: (app: Express) => void;
  /** Called after a commit that wrote events to the outbox (nudges the relay). */
  onEventsWritten?: () => void;
  /** Clock of the throttle windows and of token expiry (epoch ms); tests move it instead of sleeping. */
  now?: () => number;
  /** Where partner key revocations and rotations go, to every replica that verifies keys; without it they go nowhere (tests). */
  broadcastBus?: EventBus;
  /** Where audited admin actions go; default: nowhere. */
  audit?: AuditRecorder;
  /** Used when API_KEY_HASH_SECRET is unset (outside production); default: one generated for this app. */
  fallbackApiKeyHashSecret?: string;
}

/** The auth HTTP app, with the pieces a launcher or a test may want to reach. */
export interface AuthApp extends HttpApp {
  service: AuthService;
  apiKeys: ApiKeysService;
  verifier: TokenVerifier;
  /** The audit log auth stores and serves (subscribe it before the bus starts). */
  auditLog: AuditLogModule;
}

/** Builds the auth service's Express app (routes under /api/auth, health, metrics, problem+json) without listening. */
export function createAuthApp(deps: AuthAppDeps): AuthApp {
  const { config, logger } = deps;
  const signer = new AccessTokenSigner({
    keys: deps.signingKeys,
    issuer: config.TOKEN_ISSUER,
    audience: config.TOKEN_AUDIENCE,
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  });
  const verifier = new TokenVerifier({ jwks: new StaticJwks(signer.jwks()), issuer: config.TOKEN_ISSUER, audience: config.TOKEN_AUDIENCE });
  const metrics = deps.metrics ?? createServiceMetrics(AppIds.auth);
  const throttle = new SqlLoginThrottle({
    sql: deps.db,
    rejections: rateLimitRejectionRecorder(metrics, 'login'),
    limits: {
      maxFailuresPerAccountAndAddress: config.LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS,
      maxFailuresPerAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowSeconds: config.LOGIN_THROTTLE_WINDOW_SECONDS,
    },
    now: deps.now,
  });
  const service = new AuthService({
    store: createAuthStore(deps.db, (tx) => new OutboxAuthEvents(tx)),
    hasher: new PasswordHasher({ cost: config.PASSWORD_HASH_COST }),
    throttle,
    tokens: signer,
    refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    onEventsWritten: deps.onEventsWritten,
    onSecurityEvent: (event) => logger.warn(event, 'refresh token presented twice: its whole session family is revoked'),
    audit: deps.audit,
    now: deps.now ? () => new Date(deps.now!()) : undefined,
  });
  // Current roles, read from the primary: the role change and the other services' destructive admin actions check them.
  const authorizations = new UsersTableAuthorizations(new SqlUsersRepository(deps.db));
  const apiKeys = new ApiKeysService({
    repository: new SqlApiKeysRepository(deps.db),
    hasher: new ApiKeyHasher(config.API_KEY_HASH_SECRET ?? deps.fallbackApiKeyHashSecret ?? generatedApiKeyHashSecret()),
    notifier: deps.broadcastBus ? new BroadcastApiKeyChanges(deps.broadcastBus) : noApiKeyChangeNotifier,
    rotationGraceMs: config.API_KEY_ROTATION_GRACE_HOURS * 3_600_000,
    audit: deps.audit,
    logger,
    now: deps.now ? () => new Date(deps.now!()) : undefined,
  });
  const auditLog = createAuditLogModule({
    db: deps.db,
    verifier,
    appApiToken: config.APP_API_TOKEN,
    retentionDays: config.AUDIT_LOG_RETENTION_DAYS,
    logger,
    now: deps.now ? () => new Date(deps.now!()) : undefined,
  });
  const httpApp = createHttpApp({
    service: AppIds.auth,
    logger,
    // req.ip, the address the login throttle counts, is the client's only behind these proxies.
    trustedProxies: config.TRUSTED_PROXIES,
    metrics,
    readinessChecks: [databaseReadinessCheck(deps.db)],
    mountRoutes: (app) => {
      deps.mountOnApp?.(app);
      app.use(createAppTokenGuardedUserContactsRouter({ service, appApiToken: config.APP_API_TOKEN }));
      app.use(createAppTokenGuardedUserAuthorizationsRouter({ authorizations, appApiToken: config.APP_API_TOKEN }));
      app.use(createAppTokenGuardedApiKeyVerificationRouter({ apiKeys, appApiToken: config.APP_API_TOKEN }));
      for (const router of auditLog.routers) app.use(router);
      app.use(apiKeysBasePath, apiKeysRoutes({ apiKeys, verifier, authorizations }));
      app.use(`${authBasePath}/.well-known`, wellKnownRoutes({ signer, publicBaseUrl: config.PUBLIC_BASE_URL }));
      app.use(`${authBasePath}/users`, usersRoutes({ service, verifier, authorizations }));
      app.use(authBasePath, authRoutes({ service, verifier, shopOrigins: resolveShopOrigins(config), sessionCookie: { secure: config.SESSION_COOKIE_SECURE } }));
    },
  });
  return { ...httpApp, service, verifier, apiKeys, auditLog };
}

/** A hash secret for this process alone (development): keys it hashed stop working when the process stops. */
function generatedApiKeyHashSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The signing keys of the configuration, or (outside production) a key generated for this process. */
export function resolveSigningKeys(config: Pick<AuthConfig, 'AUTH_SIGNING_KEYS' | 'NODE_ENV'>, logger: Logger): SigningKey[] {
  if (config.AUTH_SIGNING_KEYS && config.AUTH_SIGNING_KEYS.length > 0) return config.AUTH_SIGNING_KEYS;
  if (config.NODE_ENV === 'production') {
    throw new Error('AUTH_SIGNING_KEYS is required when NODE_ENV=production: refusing to sign tokens with a generated key');
  }
  const key = generateSigningKey();
  logger.warn(
    { kid: key.kid },
    'AUTH_SIGNING_KEYS is not set: generated a signing key for this process; tokens stop verifying after a restart and replicas will not accept each other\'s tokens',
  );
  return [key];
}

/** What `startAuthService` needs. */
export interface StartAuthServiceOptions {
  config: AuthConfig;
  logger: Logger;
  /** The building blocks (state store for throttling, event bus for the outbox relay); shared ones are not closed. */
  blocks: { stateStore: StateStore; eventBus: EventBus; broadcastBus?: EventBus; mountOnApp?: (app: Express) => void; close?: () => Promise<void> };
  /** An open database; when absent one is opened from the config (and closed on stop). */
  db?: Database;
  /** Close `blocks` when the service stops (main.ts owns its blocks; an embedded launcher sharing them does not). */
  closeBlocksOnStop?: boolean;
  metrics?: ServiceMetrics;
}

/** A running auth service. */
export type RunningAuthService = RunningServer & {
  /** The email of the bootstrapped admin, when ADMIN_EMAIL is configured. */
  adminEmail?: string;
};

/**
 * Starts the auth service: opens and migrates the database, loads or generates the signing keys, bootstraps the
 * first admin, starts the outbox relay and listens on PORT. `stop()` drains requests, then stops the relay and
 * closes what this function opened.
 */
export function startAuthService(options: StartAuthServiceOptions): Promise<RunningAuthService> {
  const { config, logger, blocks } = options;
  return startService(async (resources) => {
    const signingKeys = resolveSigningKeys(config, logger);
    if (!config.API_KEY_HASH_SECRET) {
      logger.warn({}, 'API_KEY_HASH_SECRET is not set: partner API keys are hashed with a secret generated for this process and stop working after a restart');
    }
    if (options.closeBlocksOnStop && blocks.close) resources.add('building blocks', blocks.close);
    const metrics = options.metrics ?? createServiceMetrics(AppIds.auth);
    const { db, relay } = await openServiceDatabase(
      { appId: AppIds.auth, settings: config, db: options.db, migrate: migrateAuthDatabase, eventBus: blocks.eventBus, logger, metrics },
      resources,
    );
    const authApp = createAuthApp({
      config,
      logger,
      db,
      stateStore: blocks.stateStore,
      signingKeys,
      metrics,
      mountOnApp: blocks.mountOnApp,
      broadcastBus: blocks.broadcastBus ?? blocks.eventBus,
      // Auth's own admin actions travel the same way as every service's: one path into the log.
      audit: auditRecorderFor(AppIds.auth, blocks, logger, resources, { metrics }),
      onEventsWritten: () => relay.nudge(),
    });
    let adminEmail: string | undefined;
    if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
      const { user, created } = await authApp.service.ensureAdmin({ email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
      adminEmail = user.email;
      logger.info({ userId: user.id, created }, created ? 'first admin created' : 'first admin present');
    }
    // This month's partition (and the next ones) before the first entry; the scheduled job keeps them up after that.
    logger.info(await authApp.auditLog.maintainPartitions(), 'audit log partitions maintained');
    authApp.auditLog.subscribe(withDeliveryMetrics(blocks.eventBus, metrics));
    await blocks.eventBus.start();
    relay.start();
    const running = await listenService(authApp, config, logger, resources);
    return { ...running, adminEmail };
  });
}
