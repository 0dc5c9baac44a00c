import { z } from 'zod';
import { AppIds, contentLanguageSchema, currencyCodeSchema, DefaultTierLimitsPerMinute } from '@shop/contracts';
import { defaultMarketIsAMarket, env, isProduction, loadConfig, marketsConfigShape, readReplicaNeedsPrimary, serviceBaseConfigSchema, serviceDatabaseConfigShape, serviceDatabaseRules, withConfigRules } from '@shop/platform';
import { appApiTokenSetting, buildingBlocksConfigSchema, buildingBlocksRules, rateLimiterRules } from '@shop/service-runtime';

/** The catalog's environment: every variable described, defaulted where a default is safe. */
export const catalogConfigSchema = serviceBaseConfigSchema
  .extend(buildingBlocksConfigSchema.shape)
  .extend({
    PORT: env.port(3002),
    ...serviceDatabaseConfigShape(AppIds.catalog),
    SEED_DEMO_CATALOG: z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .optional()
      .describe('Load the demo catalog into an empty database at start. Default: true with the embedded database, false with DATABASE_URL'),
    L1_CACHE_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(300)
      .default(60)
      .describe('How long this process keeps a product, a list page and the list generation in its in-process cache (L1); bounds the staleness should a broadcast invalidation be lost; at most 300; 0: no L1'),
    L1_CACHE_MAX_ENTRIES: env.positiveInt(10_000).describe('Most entries of the in-process cache (L1), per kind (products with their SKU pointers; list pages); the least recently used go first'),
    PRODUCT_CACHE_TTL_SECONDS: env.positiveInt(86_400).describe('How long a product representation stays in the shared cache (L2, the state store); changes invalidate it at once'),
    LIST_CACHE_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .default(3600)
      .describe('How long a page of a product list or search stays in the shared cache (L2); every product change retires all pages at once; 0: lists and searches are not cached'),
    AUTH_APP_ID: z.string().min(1).default(AppIds.auth).describe('App id of the auth service, whose JWKS verifies admin tokens and which confirms the admin role before a product is deleted'),
    AUTH_JWKS_PATH: z.string().startsWith('/').default('/api/auth/.well-known/jwks.json').describe('Path of the JWKS on the auth service'),
    ANALYTICS_FLUSH_INTERVAL_MS: env.positiveInt(1000).describe('Anonymous product views are counted per product and published once per product per interval'),
    APP_API_TOKEN: appApiTokenSetting("the internal routes (reservations, sync runs) require it in the dapr-api-token header, and it is sent on calls to auth's internal routes"),
    RESERVATION_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900).describe('How long a reservation holds its units when the order names no ttlSeconds'),
    LOW_STOCK_THRESHOLD: z.coerce.number().int().min(0).default(5).describe('inventory.low is published when a reservation takes availability from above this to at or below it'),
    RESERVATION_SWEEP_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(60_000)
      .describe('How often the service itself releases expired reservations (0: never; the scheduled function calls release-expired instead)'),
    PARTNER_RATE_LIMIT_FREE_PER_MINUTE: env
      .positiveInt(DefaultTierLimitsPerMinute.free)
      .describe('Partner API requests per minute of a free-tier key (sliding window shared by every replica)'),
    PARTNER_RATE_LIMIT_STANDARD_PER_MINUTE: env.positiveInt(DefaultTierLimitsPerMinute.standard).describe('Partner API requests per minute of a standard-tier key'),
    PARTNER_RATE_LIMIT_PREMIUM_PER_MINUTE: env.positiveInt(DefaultTierLimitsPerMinute.premium).describe('Partner API requests per minute of a premium-tier key'),
    PRODUCT_HISTORY_RETENTION_MONTHS: env
      .positiveInt(13)
      .describe('Months of product price and stock history kept: older monthly partitions of product_snapshots are dropped by the partition job (and at start)'),
    ...marketsConfigShape,
    PRICE_CONVERSION_RATES: z
      .string()
      .optional()
      .transform((value, context) => {
        if (value === undefined || value.trim() === '') return {};
        try {
          return JSON.parse(value) as unknown;
        } catch {
          context.addIssue({ code: 'custom', message: 'must be a JSON object of currency rates' });
          return z.NEVER;
        }
      })
      .pipe(z.record(currencyCodeSchema, z.string().regex(/^(?!0+(\.0+)?$)\d{1,12}(\.\d{1,12})?$/, { error: 'must be a positive decimal string such as "1.08"' })))
      .describe(
        'The rate table that derives a product\'s price in every market currency from its base price, as JSON {"EUR":"1","USD":"1.08",...}: units of each currency per common unit; decimal strings. Empty: no derived prices (a product shows its own price in every market)',
      ),
    PRODUCT_LANGUAGES: z
      .string()
      .default('en,de,ja')
      .transform((value) => value.split(',').map((language) => language.trim()).filter((language) => language !== ''))
      .pipe(
        z
          .array(contentLanguageSchema)
          .min(1, { error: 'must name at least the base language' })
          .refine((languages) => new Set(languages).size === languages.length, { error: 'must name each language once' }),
      )
      .transform(([base, ...translated]) => ({ base, translated }))
      .describe(
        "The languages of product texts, comma-separated ISO 639 codes: the first is the language of every product's own name and description (a supplier's), the others those a product may carry translations in; search stems each with PostgreSQL's configuration for it (simple where it has none)",
      ),
    API_KEY_CACHE_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(300)
      .default(30)
      .describe('How long this process trusts auth\'s answer about a valid partner key (never past the key\'s expiry; a revocation event drops it at once)'),
    MEDIA_STORE: z
      .enum(['filesystem', 'blob'])
      .default('filesystem')
      .describe('Where uploaded product images and their variants are kept: filesystem (a folder, MEDIA_DIRECTORY: local and embedded) or blob (an Azure Blob Storage container, or Azurite)'),
    MEDIA_DIRECTORY: z
      .string()
      .min(1)
      .default('.data/media')
      .describe('The folder of the filesystem media store, relative to the working directory (the embedded launcher puts it beside the databases in DATA_DIR)'),
    MEDIA_BLOB_ACCOUNT_URL: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe("The blob endpoint of the storage account (https://<account>.blob.core.windows.net), reached with the service's managed identity (DefaultAzureCredential), MEDIA_STORE=blob"),
    MEDIA_BLOB_CONTAINER: z
      .string()
      .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, { error: 'must be a blob container name: 3-63 lower-case letters, digits and single dashes' })
      .default('media')
      .describe('The blob container of the media (Front Door serves /media/* from it)'),
    MEDIA_PUBLIC_BASE_URL: z
      // Empty is unset (a chart value left blank).
      .preprocess(
        (value) => (value === '' ? undefined : value),
        z
          .url({ protocol: /^https?$/ })
          .refine((value) => !/[?#]/.test(value), { error: 'must be an origin (and optional path) without query or fragment' })
          .optional(),
      )
      .describe(
        'The absolute origin media URLs are given under in product answers (https://shop.example.com: Front Door serves /media/* there); unset, they are paths (/media/...), which the storefront on the same host reads as they are, but partners need absolute ones',
      ),
    MEDIA_SWEEP_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(3_600_000)
      .describe('How often the service deletes the media objects of images no product has any more (past MEDIA_ORPHAN_GRACE_SECONDS), and of uploads that never got their row; 0: never'),
    MEDIA_ORPHAN_GRACE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .default(86_400)
      .describe('How long the media objects of an image outlive its last product (pages and caches that still name its URLs expire meanwhile); an upload without a row is swept this long after its newest object'),
    MEDIA_BLOB_CONNECTION_STRING: z
      .string()
      .optional()
      .describe('A storage connection string, for Azurite only (its well-known development account); never a real account key, and refused in production'),
  })
  .apply(
    withConfigRules([
      ...serviceDatabaseRules,
      ...buildingBlocksRules,
      ...rateLimiterRules,
      {
        variable: 'MEDIA_BLOB_ACCOUNT_URL',
        expected: 'or MEDIA_BLOB_CONNECTION_STRING (Azurite) is required when MEDIA_STORE=blob',
        violated: (config) => config.MEDIA_STORE === 'blob' && config.MEDIA_BLOB_ACCOUNT_URL === undefined && config.MEDIA_BLOB_CONNECTION_STRING === undefined,
      },
      {
        variable: 'MEDIA_BLOB_CONNECTION_STRING',
        expected: 'must not be set when NODE_ENV=production: the media store signs in with the managed identity (MEDIA_BLOB_ACCOUNT_URL)',
        violated: (config) => isProduction(config) && config.MEDIA_BLOB_CONNECTION_STRING !== undefined,
      },
    ]),
  )
  .superRefine(readReplicaNeedsPrimary)
  .superRefine(defaultMarketIsAMarket)
  .transform(({ SEED_DEMO_CATALOG, ...config }) => ({
    ...config,
    SEED_DEMO_CATALOG: SEED_DEMO_CATALOG === undefined ? !config.DATABASE_URL : ['true', '1', 'yes'].includes(SEED_DEMO_CATALOG),
  }));

/** The validated configuration of the catalog service. */
export type CatalogConfig = z.infer<typeof catalogConfigSchema>;

/** Reads and validates the catalog's configuration; throws ConfigError naming each bad variable. */
export function loadCatalogConfig(environment: NodeJS.ProcessEnv): CatalogConfig {
  return loadConfig(catalogConfigSchema, environment);
}
