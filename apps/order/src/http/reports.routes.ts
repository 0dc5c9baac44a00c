import { Router } from 'express';
import { z } from 'zod';
import { OrderInternalPaths, Roles } from '@shop/contracts';
import { authenticate, requireRole, type TokenVerifier } from '@shop/auth-tokens';
import { parseOrThrow, requireInternalCaller } from '@shop/platform';
import { isCalendarDate, type DailyReportService } from '../domain/daily-report';

const dateSchema = z.string().refine(isCalendarDate, { error: 'must be a calendar date YYYY-MM-DD' });

/** Body of POST /internal/orders/reports/daily. */
export const dailyReportBodySchema = z.strictObject({ date: dateSchema });
/** Query of GET /api/orders/reports/daily. */
export const dailyReportQuerySchema = z.strictObject({ date: dateSchema });

/** The job's internal route (mounted at the root, never routed by the gateway): compute and store a day's report. */
export function createReportsInternalRouter(deps: { reports: DailyReportService; appApiToken?: string }): Router {
  const router = Router();
  router.post(OrderInternalPaths.dailyReport, requireInternalCaller({ appApiToken: deps.appApiToken }), async (req, res) => {
    const { date } = parseOrThrow(dailyReportBodySchema, req.body, 'body');
    res.setHeader('Cache-Control', 'no-store');
    res.json(await deps.reports.generate(date));
  });
  return router;
}

/** Admin reads of the stored reports under /api/orders/reports. */
export function createReportsAdminRouter(deps: { reports: DailyReportService; verifier: TokenVerifier }): Router {
  const router = Router();
  router.get('/daily', authenticate(deps.verifier), requireRole(Roles.admin), async (req, res) => {
    const { date } = parseOrThrow(dailyReportQuerySchema, req.query, 'query');
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(await deps.reports.getReport(date));
  });
  return router;
}
