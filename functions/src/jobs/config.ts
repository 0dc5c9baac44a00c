import { z } from 'zod';
import { presentSettings } from '../app-settings';

/** Reads a positive integer setting (app settings are strings). */
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Settings of the batch jobs (Function App settings in Azure, the environment locally). */
export const jobsSettingsSchema = z.object({
  CATALOG_INTERNAL_URL: z.url().describe('Required. Base URL of the catalog service, for release-expired reservations'),
  CART_INTERNAL_URL: z.url().describe('Required. Base URL of the cart service, for abandoned-cart reminders'),
  ORDER_INTERNAL_URL: z.url().describe('Required. Base URL of the order service, for the daily report'),
  AUTH_INTERNAL_URL: z.url().optional().describe("Optional. Base URL of the auth service, for its audit log's partitions; unset: only catalog's are maintained"),
  APP_API_TOKEN: z.string().min(1).optional().describe('Optional. Sent as dapr-api-token on internal calls when set'),
  INTERNAL_CALL_TIMEOUT_MS: positiveInt(10_000).describe('Optional. Timeout of one internal call attempt'),
  INTERNAL_CALL_MAX_RETRIES: z.coerce.number().int().min(0).default(2).describe('Optional. Retries on 5xx/network failures'),
  DAILY_REPORT_TIMEOUT_MS: positiveInt(120_000).describe('Optional. Timeout of the call that computes the daily report'),
  RELEASE_EXPIRED_RESERVATIONS_SCHEDULE: z.string().min(1).default('0 */1 * * * *').describe('Optional. NCRONTAB (6 fields, UTC)'),
  REMIND_ABANDONED_CARTS_SCHEDULE: z.string().min(1).default('0 0 * * * *').describe('Optional. NCRONTAB (6 fields, UTC)'),
  DAILY_SALES_REPORT_SCHEDULE: z.string().min(1).default('0 0 1 * * *').describe('Optional. NCRONTAB (6 fields, UTC)'),
  MAINTAIN_PARTITIONS_SCHEDULE: z.string().min(1).default('0 30 2 * * *').describe('Optional. NCRONTAB (6 fields, UTC) of the monthly partition job'),
  ABANDONED_CART_IDLE_HOURS: z.coerce.number().positive().optional().describe("Optional. Idle hours before a reminder; the cart's default when unset"),
  REPORTS_BLOB_ACCOUNT_URL: z.url().optional().describe('Optional. Blob endpoint of the reports account (managed identity)'),
  REPORTS_BLOB_CONNECTION_STRING: z.string().min(1).optional().describe('Optional. Connection string instead (Azurite locally)'),
  REPORTS_CONTAINER: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$/).default('reports').describe('Optional. Container of the reports'),
});

/** The validated batch-job settings. */
export type JobsSettings = z.infer<typeof jobsSettingsSchema>;

/** Validates the batch-job settings; throws one error listing every bad key. */
export function loadJobsSettings(environment: Record<string, string | undefined> = process.env): JobsSettings {
  const parsed = jobsSettingsSchema.safeParse(presentSettings(environment));
  if (!parsed.success) throw new Error(`Invalid batch-job settings:\n${z.prettifyError(parsed.error)}`);
  if (!parsed.data.REPORTS_BLOB_ACCOUNT_URL && !parsed.data.REPORTS_BLOB_CONNECTION_STRING) {
    throw new Error('Invalid batch-job settings: set REPORTS_BLOB_ACCOUNT_URL (Azure) or REPORTS_BLOB_CONNECTION_STRING (Azurite)');
  }
  return parsed.data;
}

/**
 * True inside the Azure Functions host (it always sets FUNCTIONS_WORKER_RUNTIME). Elsewhere (the launcher, tests)
 * importing the app's entry point registers nothing and validates nothing.
 */
export function runningInFunctionsHost(environment: Record<string, string | undefined> = process.env): boolean {
  return Boolean(environment.FUNCTIONS_WORKER_RUNTIME);
}
