import { Router } from 'express';
import { dailyReportBodySchema, OrderInternalPaths, type DailyReport } from '@shop/contracts';
import { parseOrThrow, requireInternalCaller } from '@shop/platform';
import type { DailyReportService } from '../domain/daily-report';

/**
 * The order service's internal routes, guarded by Dapr's app API token (`dapr-api-token` = APP_API_TOKEN when set)
 * and mounted at the root, never routed by the gateway: the daily report job computes and stores a day's report.
 */
export function createAppTokenGuardedDailyReportRouter(deps: { reports: DailyReportService; appApiToken?: string }): Router {
  const router = Router();
  router.post(OrderInternalPaths.dailyReport, requireInternalCaller({ appApiToken: deps.appApiToken }), async (req, res) => {
    const { date } = parseOrThrow(dailyReportBodySchema, req.body, 'body');
    res.setHeader('Cache-Control', 'no-store');
    res.json((await deps.reports.generate(date)) satisfies DailyReport);
  });
  return router;
}
