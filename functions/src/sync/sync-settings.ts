import { z } from 'zod';
import { presentSettings } from '../app-settings';
import { currencyCodeSchema, syncSourceSchema } from '@shop/contracts';

/** One external product source the sync reads. */
export const syncSourceConfigSchema = z.strictObject({
  /** Becomes the catalog `source` of every product it delivers (catalog's source-name rules). */
  name: syncSourceSchema,
  kind: z.enum(['dummyjson', 'shopify']),
  /** Base URL of the supplier's API, e.g. `https://dummyjson.com` or `https://shop.myshopify.com/admin/api/2024-10`. */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Name of the app setting (a Key Vault reference in Azure) that holds the source's API key. The key is never logged. */
  credentialRef: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  /** ISO 4217 currency of the source's prices, one catalog accepts (a source in another would have every record refused). Default EUR. */
  currency: currencyCodeSchema.default('EUR'),
  /** Records requested per page. Default 100. */
  pageSize: z.number().int().min(1).max(250).default(100),
});
/** A validated source entry of SYNC_SOURCES. */
export type SyncSourceConfig = z.infer<typeof syncSourceConfigSchema>;

const intSetting = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** The sync's app settings (environment variables; `local.settings.json` Values locally). */
export const syncSettingsSchema = z.object({
  SYNC_SOURCES: z
    .string()
    .default('[]')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of sources' });
        return z.NEVER;
      }
    })
    .pipe(z.array(syncSourceConfigSchema).refine((sources) => new Set(sources.map((s) => s.name)).size === sources.length, { error: 'source names must be unique' }))
    .describe('JSON list of sources: [{name, kind: "dummyjson"|"shopify", baseUrl, credentialRef?, currency?, pageSize?}]'),
  SYNC_SCHEDULE: z
    .string()
    .default('0 0 */6 * * *')
    .describe('NCRONTAB (with seconds) of the timer trigger; read by the host through %SYNC_SCHEDULE%'),
  SYNC_TIMEOUT_MS: intSetting(10_000, 100, 300_000).describe('Timeout of one supplier request in ms'),
  SYNC_MAX_RETRIES: intSetting(3, 0, 10).describe('Retries of a failed supplier request (5xx, 429, timeout, network) before its page counts as failed'),
  SYNC_PAGE_CONCURRENCY: intSetting(4, 1, 32).describe('Supplier pages fetched at once per source (offset-paged sources)'),
  SYNC_BATCH_SIZE: intSetting(100, 1, 1000).describe('Products per catalog-sync batch (one Service Bus message each)'),
  SYNC_BREAKER_THRESHOLD: intSetting(5, 1, 100).describe('Consecutive failed supplier requests that open the source circuit breaker'),
  SYNC_BREAKER_HALF_OPEN_MS: intSetting(30_000, 100, 3_600_000).describe('How long an open breaker refuses requests before trying one again'),
  SYNC_MAX_PAGE_BYTES: intSetting(10 * 1024 * 1024, 1024, 1024 * 1024 * 1024).describe('Largest supplier answer (one page) in bytes, counted while it streams in; a larger one stops the run as partial'),
  SYNC_MAX_PAGES: intSetting(1000, 1, 1_000_000).describe('Pages one run reads per source at most; a listing longer than that (or one that never ends) stops the run as partial'),
  CATALOG_INTERNAL_URL: z.url().default('http://127.0.0.1:3002').describe("Base URL of catalog's internal API (sync runs)"),
  APP_API_TOKEN: z.string().min(1).optional().describe('Sent as dapr-api-token to catalog when set (a Key Vault reference in Azure)'),
  SERVICEBUS_FULLY_QUALIFIED_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/)
    .optional()
    .describe('e.g. shop-prod.servicebus.windows.net; batches go to its catalog-sync topic with the managed identity'),
  AUTH_JWKS_URL: z.url().optional().describe("URL of auth's JWKS, to verify the admin token of the manual sync trigger"),
});
/** The validated sync settings. */
export type SyncSettings = z.infer<typeof syncSettingsSchema>;

/** Validates the sync settings once; throws one error naming every bad key (values are never echoed). */
export function loadSyncSettings(env: Record<string, string | undefined>): SyncSettings {
  const parsed = syncSettingsSchema.safeParse(presentSettings(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid sync settings: ${problems}`);
  }
  return parsed.data;
}

/** The API key of a source, read from the app setting its `credentialRef` names (undefined when it has none). */
export function credentialOf(source: SyncSourceConfig, env: Record<string, string | undefined>): string | undefined {
  if (!source.credentialRef) return undefined;
  const value = env[source.credentialRef];
  if (!value) throw new Error(`Source ${source.name}: app setting ${source.credentialRef} (its credentialRef) is not set`);
  return value;
}
