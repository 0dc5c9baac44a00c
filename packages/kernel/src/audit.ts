// The port every context records its audited actions through. Domain code may depend on it (it names no framework);
// the buffered recorder that batches entries to auth lives in @shop/service-runtime.

/** Who acted. */
export interface AuditActorRef {
  type: 'user' | 'api_key' | 'system';
  id: string;
}

/** One action to audit; the recorder adds the entry id, the time (UTC, unless given) and the service. */
export interface AuditRecord {
  actor: AuditActorRef;
  /** One of `AuditActions` of @shop/contracts. */
  action: string;
  subject?: { type: string; id: string } | null;
  details?: Record<string, unknown>;
  /** When it happened; default: now. */
  at?: Date;
}

/** Port: records audited actions without slowing the caller (entries are buffered and written in batches). */
export interface AuditRecorder {
  /** Queues one entry; never throws and never waits on I/O. */
  record(entry: AuditRecord): void;
}

/** A recorder that keeps nothing, for tests and tools that audit nothing. */
export const noAuditRecorder: AuditRecorder = { record: () => undefined };
