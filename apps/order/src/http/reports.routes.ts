import { Router } from 'express';
import { dailyReportQuerySchema, Roles, type DailyReport, type DailyReportList } from '@shop/contracts';
import { authenticate, requireRole, type TokenVerifier } from '@shop/auth-tokens';
import { parseOrThrow } from '@shop/platform';
import type { DailyReportService } from '../domain/daily-report';

/** Admin reads of the stored reports under /api/orders/reports: one day's report, or `{items}` of a range of days. */
export function createReportsAdminRouter(deps: { reports: DailyReportService; verifier: TokenVerifier }): Router {
  const router = Router();
  router.get('/daily', authenticate(deps.verifier), requireRole(Roles.admin), async (req, res) => {
    const query = parseOrThrow(dailyReportQuerySchema, req.query, 'query');
    res.setHeader('Cache-Control', 'private, no-store');
    res.json('date' in query ? ((await deps.reports.getReport(query.date)) satisfies DailyReport) : ({ items: await deps.reports.listReports(query.from, query.to) } satisfies DailyReportList));
  });
  return router;
}
