import type { CloudEvent, DeliveryOutcome, EventBus } from '@shop/building-blocks';
import { AppIds, EventTypes, Topics, auditEntriesRecordedDataSchema } from '@shop/contracts';
import type { Logger } from '@shop/kernel';
import type { AuditLogService } from '../domain/audit-log.service';

/**
 * Stores the batches of `Topics.audit` in auth's audit log. Idempotent (entries are keyed by their id and time), so
 * a redelivery is harmless. DROP when the data can never be stored (not a batch of valid entries); RETRY when the
 * database failed; SUCCESS for other event types on the topic (none yet), which this consumer does not keep.
 */
export function auditEntriesHandler(auditLog: Pick<AuditLogService, 'record'>, logger: Logger): (event: CloudEvent<unknown>) => Promise<DeliveryOutcome> {
  return async (event) => {
    if (event.type !== EventTypes.auditEntriesRecorded) return 'SUCCESS';
    const parsed = auditEntriesRecordedDataSchema.safeParse(event.data);
    if (!parsed.success) {
      logger.warn({ eventId: event.id, source: event.source, issues: parsed.error.issues.slice(0, 5) }, 'malformed audit.entries_recorded; dropping');
      return 'DROP';
    }
    try {
      await auditLog.record(parsed.data.entries);
      return 'SUCCESS';
    } catch (error) {
      logger.error({ err: error, eventId: event.id, entries: parsed.data.entries.length }, 'storing audit entries failed; will retry');
      return 'RETRY';
    }
  };
}

/** Subscribes auth's audit log to the audit topic (one consumer group: each batch is stored by one replica); call before the bus starts. */
export function subscribeAuditLog(eventBus: EventBus, deps: { auditLog: Pick<AuditLogService, 'record'>; logger: Logger }): void {
  eventBus.subscribe(Topics.audit, auditEntriesHandler(deps.auditLog, deps.logger), { group: AppIds.auth });
}
