import type { InvocationContext, Timer } from '@azure/functions';
import {
  CartInternalPaths,
  CatalogInternalPaths,
  dailyReportSchema,
  OrderInternalPaths,
  releaseExpiredReservationsReplySchema,
  remindAbandonedCartsReplySchema,
  type DailyReportBody,
  type RemindAbandonedCartsBody,
} from '@shop/contracts';
import { dailyReportName, previousUtcDate, renderDailyReportCsv } from './daily-sales-report';
import type { ReportStore } from './report-store';
import type { ServiceClient } from './service-client';

/** What the batch-job handlers call. */
export interface JobHandlerDeps {
  catalog: ServiceClient;
  cart: ServiceClient;
  order: ServiceClient;
  reports: ReportStore;
  /** Passed to the cart; the cart's default when unset. */
  abandonedCartIdleHours?: number;
  /** Timeout of the call that computes the daily report (it scans a day of orders). */
  dailyReportTimeoutMs?: number;
  /** The clock; the daily report is of the UTC day before it. */
  now?: () => Date;
}

/** A timer-triggered function as the Functions host calls it. */
export type TimerHandler = (timer: Timer, context: InvocationContext) => Promise<void>;

/** The batch jobs: the same handlers run under the Functions host and under the local scheduler. */
export interface JobHandlers {
  releaseExpiredReservations: TimerHandler;
  remindAbandonedCarts: TimerHandler;
  dailySalesReport: TimerHandler;
}

/** Content type of the report CSV (`header=present` per RFC 4180). */
export const reportCsvContentType = 'text/csv; charset=utf-8; header=present';

/**
 * Builds the batch-job handlers. Each one is idempotent, so a late (`isPastDue`) or doubled run is harmless; a
 * failure throws so the host logs the invocation as failed (timers are not retried: the next occurrence is the retry).
 */
export function createJobHandlers(deps: JobHandlerDeps): JobHandlers {
  const now = deps.now ?? (() => new Date());
  const noteLateRun = (timer: Timer, context: InvocationContext) => {
    if (timer.isPastDue) context.warn(`${context.functionName} runs late (past due); running it now`);
  };
  return {
    async releaseExpiredReservations(timer, context) {
      noteLateRun(timer, context);
      const result = await deps.catalog.post(CatalogInternalPaths.releaseExpiredReservations, {}, releaseExpiredReservationsReplySchema);
      context.log(`released ${result.released} expired reservation(s)`);
    },

    async remindAbandonedCarts(timer, context) {
      noteLateRun(timer, context);
      const body: RemindAbandonedCartsBody = deps.abandonedCartIdleHours === undefined ? {} : { idleHours: deps.abandonedCartIdleHours };
      const result = await deps.cart.post(CartInternalPaths.remindAbandonedCarts, body, remindAbandonedCartsReplySchema);
      context.log(`reminded ${result.reminded} abandoned cart(s)`);
    },

    async dailySalesReport(timer, context) {
      noteLateRun(timer, context);
      const date = previousUtcDate(now());
      // The order service recomputes and overwrites a day it already stored, so a re-run is idempotent.
      const body: DailyReportBody = { date };
      const report = await deps.order.post(OrderInternalPaths.dailyReport, body, dailyReportSchema, { timeoutMs: deps.dailyReportTimeoutMs });
      if (report.date !== date) throw new Error(`Asked for the report of ${date}, got the one of ${report.date}`);
      const location = await deps.reports.put(dailyReportName(date), renderDailyReportCsv(report), reportCsvContentType);
      context.log(`daily sales report of ${date} written to ${location} (${report.orders} order(s))`);
    },
  };
}
