import type { Router } from 'express';
import type { TokenVerifier } from '@shop/auth-tokens';
import type { EventBus } from '@shop/building-blocks';
import type { Logger } from '@shop/kernel';
import { maintainMonthlyPartitions, type Database, type PartitionMaintenanceResult } from '@shop/postgres';
import { SqlAuditLogRepository } from './data/audit-log.repository';
import { AuditLogService } from './domain/audit-log.service';
import { subscribeAuditLog } from './events/audit.subscriptions';
import { auditLogRoutes, createAppTokenGuardedAuditPartitionsRouter } from './http/audit-log.routes';

/** What the audit log part of auth is built from. */
export interface AuditLogModuleDeps {
  /** Auth's migrated database (005_audit_log.sql). */
  db: Database;
  verifier: TokenVerifier;
  /** Guards the internal partition route. */
  appApiToken?: string;
  /** AUDIT_LOG_RETENTION_DAYS. */
  retentionDays: number;
  logger: Logger;
  now?: () => Date;
}

/** The audit log as auth serves it: the admin and internal routers, the subscription and the partition job. */
export interface AuditLogModule {
  auditLog: AuditLogService;
  /** Mount at the root of the app: the admin reads (`/api/admin/audit-log`, `/api/admin/partner-usage`) and the internal job route. */
  routers: Router[];
  /** Subscribes the store of `Topics.audit`; call before the bus starts. */
  subscribe(eventBus: EventBus): void;
  /** Creates the coming months' partitions and drops those past retention (idempotent). */
  maintainPartitions(): Promise<PartitionMaintenanceResult>;
}

/**
 * Months of partitions to keep for a retention in days: a partition is dropped only once its whole month is past the
 * cutoff, and the cutoff is a month boundary, so one month more than the days span guarantees none younger is lost.
 */
export function auditLogRetentionMonths(retentionDays: number): number {
  return Math.ceil(retentionDays / 30) + 1;
}

/** Builds auth's audit log module on its database. */
export function createAuditLogModule(deps: AuditLogModuleDeps): AuditLogModule {
  const auditLog = new AuditLogService({ store: new SqlAuditLogRepository(deps.db), now: deps.now });
  const maintainPartitions = () =>
    maintainMonthlyPartitions(deps.db, { table: 'audit_log', monthsAhead: 3, retentionMonths: auditLogRetentionMonths(deps.retentionDays), now: deps.now?.() });
  return {
    auditLog,
    routers: [auditLogRoutes({ auditLog, verifier: deps.verifier }), createAppTokenGuardedAuditPartitionsRouter({ maintainPartitions, appApiToken: deps.appApiToken })],
    subscribe: (eventBus) => subscribeAuditLog(eventBus, { auditLog, logger: deps.logger }),
    maintainPartitions,
  };
}
