import { z } from 'zod';

// The audit log: who did what, kept apart from application logs, append-only. Every service records its entries
// through a buffered recorder; they reach auth (which stores and serves them) in batches on `Topics.audit`.

/** What an audit entry records. */
export const AuditActions = {
  productCreated: 'product.created',
  productUpdated: 'product.updated',
  productDeleted: 'product.deleted',
  productStockSet: 'product.stock_set',
  orderStatusChanged: 'order.status_changed',
  userRolesChanged: 'user.roles_changed',
  apiKeyCreated: 'api_key.created',
  apiKeyRotated: 'api_key.rotated',
  apiKeyRevoked: 'api_key.revoked',
  partnerRequest: 'partner.request',
} as const;
/** An audited action. */
export type AuditAction = (typeof AuditActions)[keyof typeof AuditActions];
/** Every audited action. */
export const auditActionSchema = z.enum(Object.values(AuditActions) as [AuditAction, ...AuditAction[]]).meta({ id: 'AuditAction' });

/** Who acted: a signed-in user (admin), a partner key, or the platform itself. */
export const auditActorSchema = z
  .object({ type: z.enum(['user', 'api_key', 'system']), id: z.string().max(200) })
  .meta({ id: 'AuditActor', description: 'user (its id), api_key (the key id) or system (the job or service)' });
/** Who acted. */
export type AuditActor = z.infer<typeof auditActorSchema>;

/** One audit entry as it travels and as the admin API shows it. */
export const auditEntrySchema = z
  .object({
    id: z.uuid(),
    at: z.iso.datetime(),
    service: z.string(),
    actor: auditActorSchema,
    action: auditActionSchema,
    subject: z.object({ type: z.string(), id: z.string() }).nullable().meta({ description: 'What was acted on (a product, an order, a user, a key)' }),
    details: z.record(z.string(), z.unknown()).meta({ description: 'partner.request: method, route, status, durationMs; changes: what changed' }),
  })
  .meta({ id: 'AuditEntry', description: 'One audited action' });
/** One audit entry. */
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Data of `audit.entries_recorded` on `Topics.audit`: a batch, stored idempotently by entry id. */
export const auditEntriesRecordedDataSchema = z.object({ entries: z.array(auditEntrySchema).min(1).max(1000) }).meta({ id: 'AuditEntriesRecordedData' });
/** Data of `audit.entries_recorded`. */
export type AuditEntriesRecordedData = z.infer<typeof auditEntriesRecordedDataSchema>;

/** Query of `GET /api/admin/audit-log`. */
export const auditLogQuerySchema = z
  .strictObject({
    actor: z.string().max(200).optional().meta({ description: 'An actor id (user id, key id or system name)' }),
    action: auditActionSchema.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/)
      .transform(Number)
      .pipe(z.number().int().min(1).max(200))
      .optional(),
    cursor: z.string().max(1024).optional(),
  })
  .meta({ id: 'AuditLogQuery', description: 'Filters and page of the audit log, newest first' });
/** A parsed audit log query. */
export type AuditLogQuery = z.infer<typeof auditLogQuerySchema>;

/** Reply of `GET /api/admin/audit-log`. */
export const auditLogPageSchema = z
  .object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AuditLogPage', description: 'One page of audit entries, newest first' });
/** One page of the audit log. */
export type AuditLogPage = z.infer<typeof auditLogPageSchema>;
