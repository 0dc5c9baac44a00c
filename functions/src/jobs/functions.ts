// Registers the batch jobs with the Functions host. Outside the host (launcher, tests) importing this does nothing.
import { app } from '@azure/functions';
import { loadJobsSettings, runningInFunctionsHost, type JobsSettings } from './config';
import { createJobHandlers } from './job-handlers';
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

/** Registers the three timer functions on their configured schedules. */
export function registerJobFunctions(settings: JobsSettings): void {
  const handlers = jobHandlersFromSettings(settings);
  app.timer('releaseExpiredReservations', { schedule: settings.RELEASE_EXPIRED_RESERVATIONS_SCHEDULE, handler: handlers.releaseExpiredReservations });
  app.timer('remindAbandonedCarts', { schedule: settings.REMIND_ABANDONED_CARTS_SCHEDULE, handler: handlers.remindAbandonedCarts });
  app.timer('dailySalesReport', { schedule: settings.DAILY_SALES_REPORT_SCHEDULE, handler: handlers.dailySalesReport });
}

// process.env is read in config only; the host fails the app's start on bad settings (fail fast).
if (runningInFunctionsHost()) registerJobFunctions(loadJobsSettings());
