import { z } from 'zod';
import { AppIds, MAX_ABANDONED_CART_IDLE_HOURS, MAX_REQUESTED_CART_QUANTITY } from '@shop/contracts';
import { defaultMarketIsAMarket, env, loadConfig, marketsConfigShape, serviceBaseConfigSchema, withConfigRules } from '@shop/platform';
import { appApiTokenSetting, buildingBlocksConfigSchema, buildingBlocksRules } from '@shop/service-runtime';

/** The cart's environment: every variable described, defaulted where a default is safe. */
export const cartConfigSchema = serviceBaseConfigSchema
  .extend(buildingBlocksConfigSchema.shape)
  .extend({
    PORT: env.port(3003),
    CART_MAX_LINE_QUANTITY: env
      .positiveInt(20)
      .pipe(z.number().max(MAX_REQUESTED_CART_QUANTITY))
      .describe(`Most units of one product a cart may hold (at most ${MAX_REQUESTED_CART_QUANTITY}); more → 422`),
    CART_MAX_LINES: env.positiveInt(50).describe('Most distinct products a cart may hold; one more → 422'),
    GUEST_CART_TTL_SECONDS: env.positiveInt(7 * 24 * 3600).describe('A guest cart expires this long after its last write'),
    USER_CART_TTL_SECONDS: env.positiveInt(90 * 24 * 3600).describe("A signed-in user's cart expires this long after its last write"),
    CART_WRITE_MAX_ATTEMPTS: env
      .positiveInt(30)
      .describe('Read-modify-write attempts of one cart change under concurrent writers (ETag conflicts) before answering 409'),
    INBOX_TTL_SECONDS: env.positiveInt(7 * 24 * 3600).describe('How long processed event ids are remembered (redeliveries within it change nothing)'),
    CATALOG_APP_ID: z.string().min(1).default(AppIds.catalog).describe('App id of the catalog service, which prices and describes the lines'),
    CATALOG_TIMEOUT_MS: env.positiveInt(3000).describe('Timeout of one product read from catalog; past it the cart answers 503'),
    CATALOG_PRODUCT_CACHE_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(1000)
      .describe("How long the cart reuses catalog's answer for a product (prices and stock shown in carts lag a change by at most this; orders are always priced by catalog); 0: ask catalog every time"),
    AUTH_APP_ID: z.string().min(1).default(AppIds.auth).describe('App id of the auth service, whose JWKS verifies access tokens'),
    AUTH_JWKS_PATH: z.string().startsWith('/').default('/api/auth/.well-known/jwks.json').describe('Path of the JWKS on the auth service'),
    ABANDONED_CART_IDLE_HOURS: env
      .positiveInt(24)
      .pipe(z.number().max(MAX_ABANDONED_CART_IDLE_HOURS))
      .describe(`Hours without a change after which a signed-in cart is reminded (cart.abandoned), when the job does not say (1..${MAX_ABANDONED_CART_IDLE_HOURS})`),
    APP_API_TOKEN: appApiTokenSetting('the internal route (abandoned-cart reminders) requires it in the dapr-api-token header'),
    // The same markets as catalog's: a cart is priced in one of them.
    ...marketsConfigShape,
  })
  .apply(withConfigRules(buildingBlocksRules))
  .superRefine(defaultMarketIsAMarket);

/** The validated configuration of the cart service. */
export type CartConfig = z.infer<typeof cartConfigSchema>;

/** Reads and validates the cart's configuration; throws ConfigError naming each bad variable. */
export function loadCartConfig(environment: NodeJS.ProcessEnv): CartConfig {
  return loadConfig(cartConfigSchema, environment);
}
