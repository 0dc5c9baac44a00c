import { Router } from 'express';
import { authenticate, requireRole, type TokenVerifier } from '@shop/auth-tokens';
import { AuthInternalPaths, Roles, auditLogQuerySchema, partnerUsageByTierQuerySchema, type AuditLogPage, type PartnerUsageByTier } from '@shop/contracts';
import { parseOrThrow, requireInternalCaller } from '@shop/platform';
import type { PartitionMaintenanceResult } from '@shop/postgres';
import type { AuditLogService } from '../domain/audit-log.service';

/** Where admins read the audit log (RoutePrefixes routes it to auth). */
export const auditLogPath = '/api/admin/audit-log';
/** Where admins read partner usage per tier (RoutePrefixes routes it to auth). */
export const partnerUsagePath = '/api/admin/partner-usage';

/**
 * The audit log and partner usage for admins: reads only. No route changes or deletes an entry (the log is
 * append-only; retention drops whole months), so PUT, PATCH and DELETE find nothing here. The role comes from the
 * token: reading grants nothing, so a demotion taking effect at the token's expiry is acceptable here.
 */
export function auditLogRoutes(deps: { auditLog: AuditLogService; verifier: TokenVerifier }): Router {
  const router = Router();
  // Per route: the router is mounted at the root beside others.
  const admin = [authenticate(deps.verifier), requireRole(Roles.admin)];

  router.get(auditLogPath, ...admin, async (req, res) => {
    const query = parseOrThrow(auditLogQuerySchema, req.query, 'query');
    const reply: AuditLogPage = await deps.auditLog.page(query);
    res.set('Cache-Control', 'no-store').json(reply);
  });

  router.get(partnerUsagePath, ...admin, async (req, res) => {
    const { days } = parseOrThrow(partnerUsageByTierQuerySchema, req.query, 'query');
    const reply: PartnerUsageByTier = await deps.auditLog.partnerUsageByTier(days);
    res.set('Cache-Control', 'no-store').json(reply);
  });

  return router;
}

/** `POST /internal/auth/partitions/maintain` for the scheduled job, guarded by the app API token: the run's report. */
export function createAppTokenGuardedAuditPartitionsRouter(deps: { maintainPartitions: () => Promise<PartitionMaintenanceResult>; appApiToken?: string }): Router {
  const router = Router();
  router.post(AuthInternalPaths.maintainPartitions, requireInternalCaller({ appApiToken: deps.appApiToken }), async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.maintainPartitions());
  });
  return router;
}
