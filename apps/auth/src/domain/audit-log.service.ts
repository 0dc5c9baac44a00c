import { apiKeyTiers, type ApiKeyTier, type AuditAction, type AuditEntry, type AuditLogPage, type PartnerUsageByTier } from '@shop/contracts';
import { AppError } from '@shop/kernel';

/** Filters and page of an audit log read (the admin query, parsed). */
export interface AuditLogFilter {
  actorId?: string;
  action?: AuditAction;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  limit: number;
  /** The last entry of the previous page (newest first): the page starts after it. */
  after?: AuditLogPosition;
}

/** Where a page ended: the keyset `(at, id)` of its last entry, `at` in full (microsecond) precision. */
export interface AuditLogPosition {
  at: string;
  id: string;
}

/** Partner requests of one tier on one UTC day, as the store counts them. */
export interface PartnerUsageRow {
  day: string;
  tier: string;
  keys: number;
  requests: number;
  rejected: number;
}

/** Port: the append-only audit log table. */
export interface AuditLogStore {
  /** Stores entries; one already stored (same id and time) is skipped. Returns how many were new. */
  insertMany(entries: AuditEntry[]): Promise<number>;
  /** Entries newest first, at most `limit + 1` (the extra one tells a next page exists), with their positions. */
  find(filter: AuditLogFilter): Promise<Array<{ entry: AuditEntry; position: AuditLogPosition }>>;
  /** partner.request entries in `[from, to)` grouped by UTC day and `details.tier`. */
  partnerUsage(range: { from: Date; to: Date }): Promise<PartnerUsageRow[]>;
}

/** A parsed `GET /api/admin/audit-log` query. */
export interface AuditLogRequest {
  actor?: string;
  action?: AuditAction;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

/** Entries per page when the query names no limit. */
export const defaultAuditLogPageSize = 50;

/** The audit log as auth keeps it: stores the batches every service publishes, and reads them for admins. */
export class AuditLogService {
  private readonly now: () => Date;

  constructor(private readonly deps: { store: AuditLogStore; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Stores a batch; a redelivered batch changes nothing. */
  record(entries: AuditEntry[]): Promise<number> {
    return this.deps.store.insertMany(entries);
  }

  /** One page, newest first; `nextCursor` continues after its last entry. */
  async page(query: AuditLogRequest): Promise<AuditLogPage> {
    const limit = query.limit ?? defaultAuditLogPageSize;
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from > to) throw new AppError('invalid', '`from` must not be after `to`');
    const found = await this.deps.store.find({ actorId: query.actor, action: query.action, from, to, limit, after: query.cursor ? decodeAuditCursor(query.cursor) : undefined });
    const items = found.slice(0, limit);
    const last = items.at(-1);
    return { items: items.map((row) => row.entry), nextCursor: found.length > limit && last ? encodeAuditCursor(last.position) : null };
  }

  /** Partner requests per tier of the last `days` UTC days (today included), oldest first, every day and tier present. */
  async partnerUsageByTier(days: number): Promise<PartnerUsageByTier> {
    const today = utcDayStart(this.now());
    const from = new Date(today.getTime() - (days - 1) * dayMs);
    const rows = await this.deps.store.partnerUsage({ from, to: new Date(today.getTime() + dayMs) });
    const byDayAndTier = new Map(rows.map((row) => [`${row.day}|${row.tier}`, row]));
    return {
      days: Array.from({ length: days }, (_, index) => {
        const day = new Date(from.getTime() + index * dayMs).toISOString().slice(0, 10);
        return {
          day,
          tiers: apiKeyTiers.map((tier: ApiKeyTier) => {
            const row = byDayAndTier.get(`${day}|${tier}`);
            return { tier, keys: row?.keys ?? 0, requests: row?.requests ?? 0, rejected: row?.rejected ?? 0 };
          }),
        };
      }),
    };
  }
}

const dayMs = 24 * 3600 * 1000;

function utcDayStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/** The opaque cursor of a position (base64url JSON): clients pass it back, never build it. */
export function encodeAuditCursor(position: AuditLogPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id]), 'utf8').toString('base64url');
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The position a cursor names; a cursor that is not one of ours is an `invalid` AppError (400). */
export function decodeAuditCursor(cursor: string): AuditLogPosition {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2) {
      const [at, id] = decoded as unknown[];
      if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && uuidPattern.test(id)) return { at, id };
    }
  } catch {
    // Falls through to the one answer for every bad cursor.
  }
  throw new AppError('invalid', 'The cursor is not valid: pass back the nextCursor of a previous page');
}
