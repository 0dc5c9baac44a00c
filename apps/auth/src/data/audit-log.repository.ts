import { AuditActions, type AuditAction, type AuditEntry } from '@shop/contracts';
import type { SqlExecutor } from '@shop/postgres';
import type { AuditLogFilter, AuditLogPosition, AuditLogStore, PartnerUsageRow } from '../domain/audit-log.service';

interface AuditRow {
  id: string;
  at: Date | string;
  /** `at` in full precision, UTC: the cursor's key (a JS Date would round microseconds away). */
  at_key: string;
  service: string;
  actor_type: 'user' | 'api_key' | 'system';
  actor_id: string;
  action: AuditAction;
  subject_type: string | null;
  subject_id: string | null;
  details: Record<string, unknown> | null;
}

const columns = `id, at, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_key, service, actor_type, actor_id, action, subject_type, subject_id, details`;

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    service: row.service,
    actor: { type: row.actor_type, id: row.actor_id },
    action: row.action,
    subject: row.subject_type !== null && row.subject_id !== null ? { type: row.subject_type, id: row.subject_id } : null,
    details: row.details ?? {},
  };
}

/** The audit log table (`audit_log`, partitioned by month); rows are only ever inserted. */
export class SqlAuditLogRepository implements AuditLogStore {
  constructor(private readonly sql: SqlExecutor) {}

  async insertMany(entries: AuditEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const rows = entries.map((entry) => ({
      id: entry.id,
      at: entry.at,
      service: entry.service,
      actor_type: entry.actor.type,
      actor_id: entry.actor.id,
      action: entry.action,
      subject_type: entry.subject?.type ?? null,
      subject_id: entry.subject?.id ?? null,
      details: entry.details,
    }));
    // One statement for the whole batch, whatever its size (one parameter: the batch as JSON).
    const result = await this.sql.query(
      `INSERT INTO audit_log (id, at, service, actor_type, actor_id, action, subject_type, subject_id, details)
       SELECT id, at, service, actor_type, actor_id, action, subject_type, subject_id, coalesce(details, '{}'::jsonb)
         FROM jsonb_to_recordset($1::jsonb)
           AS e(id uuid, at timestamptz, service text, actor_type text, actor_id text, action text, subject_type text, subject_id text, details jsonb)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(rows)],
    );
    return result.rowCount;
  }

  async find(filter: AuditLogFilter): Promise<Array<{ entry: AuditEntry; position: AuditLogPosition }>> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.actorId !== undefined) conditions.push(`actor_id = ${param(filter.actorId)}`);
    if (filter.action !== undefined) conditions.push(`action = ${param(filter.action)}`);
    if (filter.from) conditions.push(`at >= ${param(filter.from)}`);
    if (filter.to) conditions.push(`at < ${param(filter.to)}`);
    if (filter.after) conditions.push(`(at, id) < (${param(filter.after.at)}::timestamptz, ${param(filter.after.id)}::uuid)`);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const { rows } = await this.sql.query<AuditRow>(`SELECT ${columns} FROM audit_log ${where} ORDER BY at DESC, id DESC LIMIT ${param(filter.limit + 1)}`, params);
    return rows.map((row) => ({ entry: toEntry(row), position: { at: row.at_key, id: row.id } }));
  }

  async partnerUsage(range: { from: Date; to: Date }): Promise<PartnerUsageRow[]> {
    // A 429 is a rejection (the limiter refused, no work done); every other status is a request served.
    const { rows } = await this.sql.query<{ day: string; tier: string; keys: number | string; requests: number | string; rejected: number | string }>(
      `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              details->>'tier' AS tier,
              count(DISTINCT actor_id)::int8 AS keys,
              count(*) FILTER (WHERE (details->>'status') IS DISTINCT FROM '429')::int8 AS requests,
              count(*) FILTER (WHERE (details->>'status') = '429')::int8 AS rejected
         FROM audit_log
        WHERE action = $1 AND at >= $2 AND at < $3 AND details->>'tier' IS NOT NULL
        GROUP BY 1, 2`,
      [AuditActions.partnerRequest, range.from, range.to],
    );
    return rows.map((row) => ({ day: row.day, tier: row.tier, keys: Number(row.keys), requests: Number(row.requests), rejected: Number(row.rejected) }));
  }
}
