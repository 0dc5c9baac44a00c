import { z } from 'zod';
import { AppIds } from '@shop/contracts';
import { env, loadConfig, readReplicaNeedsPrimary, serviceBaseConfigSchema, serviceDatabaseConfigShape, serviceDatabaseRules, withConfigRules } from '@shop/platform';
import { appApiTokenSetting, buildingBlocksConfigSchema, buildingBlocksRules } from '@shop/service-runtime';

/** The order service's environment: every variable described, defaulted where a default is safe. */
export const orderConfigSchema = serviceBaseConfigSchema
  .extend(buildingBlocksConfigSchema.shape)
  .extend({
    PORT: env.port(3004),
    ...serviceDatabaseConfigShape(AppIds.order),
    APP_API_TOKEN: appApiTokenSetting("sent as dapr-api-token on calls to the catalog's, the cart's and auth's internal routes, and required on this service's own internal routes (daily report)"),
    AUTH_APP_ID: z.string().min(1).default(AppIds.auth).describe('App id of the auth service, whose JWKS verifies access tokens and which confirms the admin role before an admin cancels someone else\'s order'),
    AUTH_JWKS_PATH: z.string().startsWith('/').default('/api/auth/.well-known/jwks.json').describe('Path of the JWKS on the auth service'),
    CATALOG_APP_ID: z.string().min(1).default(AppIds.catalog).describe('App id of the catalog (stock reservations)'),
    CART_APP_ID: z.string().min(1).default(AppIds.cart).describe('App id of the cart'),
    RESERVATION_TTL_SECONDS: env.positiveInt(900).describe('How long the catalog holds an order\'s stock before its expiry sweep releases it'),
    PAYMENT_TIMEOUT_MS: env.positiveInt(5000).describe('A charge without an answer by then is unknown: the order answers 202 and the recovery loop finishes it'),
    IDEMPOTENCY_WAIT_MS: env.positiveInt(15_000).describe('How long a repeat of a running POST /api/orders (same Idempotency-Key) waits for the first answer'),
    RECOVERY_INTERVAL_MS: env.positiveInt(5000).describe('How often the recovery loop looks for interrupted checkouts (it also runs once at start)'),
    RECOVERY_STALE_AFTER_MS: env.positiveInt(30_000).describe('An order untouched this long in pending/reserved/paid is resumed by the recovery loop'),
    RECOVERY_LEASE_MS: env.positiveInt(60_000).describe('How long one replica owns an order it resumes before another may try'),
    RECOVERY_BATCH_SIZE: env.positiveInt(50).describe('Orders resumed per recovery round'),
  })
  .apply(withConfigRules([...serviceDatabaseRules, ...buildingBlocksRules]))
  .superRefine(readReplicaNeedsPrimary);

/** The validated configuration of the order service. */
export type OrderConfig = z.infer<typeof orderConfigSchema>;

/** Reads and validates the order service's configuration; throws ConfigError naming each bad variable. */
export function loadOrderConfig(environment: NodeJS.ProcessEnv): OrderConfig {
  return loadConfig(orderConfigSchema, environment);
}
