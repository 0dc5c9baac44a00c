import { Router } from 'express';
import { z } from 'zod';
import { OrderInternalPaths, Roles } from '@shop/contracts';
import { authenticate, requireRole, type TokenVerifier } from '@shop/auth-tokens';
import { parseOrThrow, requireInternalCaller } from '@shop/platform';
import { daysInRange, isCalendarDate, MAX_REPORT_RANGE_DAYS, type DailyReportService } from '../domain/daily-report';

const dateSchema = z.string().refine(isCalendarDate, { error: 'must be a calendar date YYYY-MM-DD' });

/** Body of POST /internal/orders/reports/daily. */
export const dailyReportBodySchema = z.strictObject({ date: dateSchema });
/**
 * Query of GET /api/orders/reports/daily: one day (`date`) or a range of days (`from` and `to`, both included, at most
 * MAX_REPORT_RANGE_DAYS), never both.
 */
export const dailyReportQuerySchema = z
  .strictObject({ date: dateSchema.optional(), from: dateSchema.optional(), to: dateSchema.optional() })
  .transform(({ date, from, to }, context): { date: string } | { from: string; to: string } => {
    const invalid = (field: 'date' | 'from' | 'to', message: string) => {
      context.addIssue({ code: 'custom', path: [field], message, input: { date, from, to } });
      return z.NEVER;
    };
    if (date !== undefined) return from === undefined && to === undefined ? { date } : invalid('date', 'use either date, or from and to, not both');
    if (from === undefined && to === undefined) return invalid('date', 'required: a date YYYY-MM-DD, or from and to');
    if (from === undefined) return invalid('from', 'required with to');
    if (to === undefined) return invalid('to', 'required with from');
    const days = daysInRange(from, to);
    if (days < 1) return invalid('to', 'must not be before from');
    if (days > MAX_REPORT_RANGE_DAYS) return invalid('to', `the range may span at most ${MAX_REPORT_RANGE_DAYS} days, both ends included`);
    return { from, to };
  });

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

/** Admin reads of the stored reports under /api/orders/reports: one day's report, or `{items}` of a range of days. */
export function createReportsAdminRouter(deps: { reports: DailyReportService; verifier: TokenVerifier }): Router {
  const router = Router();
  router.get('/daily', authenticate(deps.verifier), requireRole(Roles.admin), async (req, res) => {
    const query = parseOrThrow(dailyReportQuerySchema, req.query, 'query');
    res.setHeader('Cache-Control', 'private, no-store');
    res.json('date' in query ? await deps.reports.getReport(query.date) : { items: await deps.reports.listReports(query.from, query.to) });
  });
  return router;
}
