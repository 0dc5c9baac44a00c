// Registers the batch jobs with the Functions host. Outside the host (launcher, tests) importing this does nothing.
import { app } from '@azure/functions';
import { loadJobsSettings, runningInFunctionsHost, type JobsSettings } from './config';
import { AppIds, AuthInternalPaths, CatalogInternalPaths } from '@shop/contracts';
import { createJobHandlers } from './job-handlers';
import { createPartitionMaintenanceHandler, type PartitionMaintenanceTarget } from './partition-maintenance';
import { BlobReportStore } from './report-store';
import { ServiceClient } from './service-client';

/** Builds the handlers from validated settings, with the Blob report store. */
export function jobHandlersFromSettings(settings: JobsSettings) {
  const client = (baseUrl: string) =>
    new ServiceClient({ baseUrl, appApiToken: settings.APP_API_TOKEN, timeoutMs: settings.INTERNAL_CALL_TIMEOUT_MS, maxRetries: settings.INTERNAL_CALL_MAX_RETRIES });
  const reports = settings.REPORTS_BLOB_CONNECTION_STRING
    ? new BlobReportStore({ connectionString: settings.REPORTS_BLOB_CONNECTION_STRING, container: settings.REPORTS_CONTAINER })
    : new BlobReportStore({ accountUrl: settings.REPORTS_BLOB_ACCOUNT_URL!, container: settings.REPORTS_CONTAINER });
  return createJobHandlers({
    catalog: client(settings.CATALOG_INTERNAL_URL),
    cart: client(settings.CART_INTERNAL_URL),
    order: client(settings.ORDER_INTERNAL_URL),
    reports,
    abandonedCartIdleHours: settings.ABANDONED_CART_IDLE_HOURS,
    dailyReportTimeoutMs: settings.DAILY_REPORT_TIMEOUT_MS,
  });
}

/** Registers the timer functions on their configured schedules. */
export function registerJobFunctions(settings: JobsSettings): void {
  const handlers = jobHandlersFromSettings(settings);
  app.timer('releaseExpiredReservations', { schedule: settings.RELEASE_EXPIRED_RESERVATIONS_SCHEDULE, handler: handlers.releaseExpiredReservations });
  app.timer('remindAbandonedCarts', { schedule: settings.REMIND_ABANDONED_CARTS_SCHEDULE, handler: handlers.remindAbandonedCarts });
  app.timer('dailySalesReport', { schedule: settings.DAILY_SALES_REPORT_SCHEDULE, handler: handlers.dailySalesReport });
  app.timer('maintainPartitions', { schedule: settings.MAINTAIN_PARTITIONS_SCHEDULE, handler: createPartitionMaintenanceHandler(partitionTargetsFromSettings(settings)) });
}

/** The services whose monthly partitions the daily job keeps: catalog's product history, auth's audit log (when configured). */
export function partitionTargetsFromSettings(settings: Pick<JobsSettings, 'CATALOG_INTERNAL_URL' | 'AUTH_INTERNAL_URL' | 'APP_API_TOKEN' | 'INTERNAL_CALL_TIMEOUT_MS' | 'INTERNAL_CALL_MAX_RETRIES'>): PartitionMaintenanceTarget[] {
  const client = (baseUrl: string) =>
    new ServiceClient({ baseUrl, appApiToken: settings.APP_API_TOKEN, timeoutMs: settings.INTERNAL_CALL_TIMEOUT_MS, maxRetries: settings.INTERNAL_CALL_MAX_RETRIES });
  const targets: PartitionMaintenanceTarget[] = [{ service: AppIds.catalog, client: client(settings.CATALOG_INTERNAL_URL), path: CatalogInternalPaths.maintainPartitions }];
  if (settings.AUTH_INTERNAL_URL) targets.push({ service: AppIds.auth, client: client(settings.AUTH_INTERNAL_URL), path: AuthInternalPaths.maintainPartitions });
  return targets;
}

// process.env is read in config only; the host fails the app's start on bad settings (fail fast).
if (runningInFunctionsHost()) registerJobFunctions(loadJobsSettings());
