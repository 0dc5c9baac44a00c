import type { SqlExecutor } from '@shop/postgres';
import type { LinkEmailLimits } from '../domain/ports';

/** Rows deleted by one sweep at most. */
const sweepBatchSize = 500;

/**
 * LinkEmailLimits in `link_email_limits`: the claim is ONE conditional upsert (insert, or move the window only when
 * the last send is older than it), so concurrent requests cannot both read "nothing sent yet" and both send.
 */
export class SqlLinkEmailLimits implements LinkEmailLimits {
  constructor(private readonly sql: SqlExecutor) {}

  async claim(scopeKey: string, now: Date, windowSeconds: number): Promise<boolean> {
    const windowStart = new Date(now.getTime() - windowSeconds * 1000);
    const { rows } = await this.sql.query(
      `INSERT INTO link_email_limits AS l (scope_key, last_sent_at) VALUES ($1, $2::timestamptz)
       ON CONFLICT (scope_key) DO UPDATE SET last_sent_at = EXCLUDED.last_sent_at WHERE l.last_sent_at <= $3::timestamptz
       RETURNING scope_key`,
      [scopeKey, now.toISOString(), windowStart.toISOString()],
    );
    return rows.length > 0;
  }

  async deleteOlderThan(before: Date): Promise<number> {
    const { rowCount } = await this.sql.query(
      `DELETE FROM link_email_limits WHERE scope_key IN (SELECT scope_key FROM link_email_limits WHERE last_sent_at <= $1::timestamptz LIMIT ${sweepBatchSize})`,
      [before.toISOString()],
    );
    return rowCount;
  }
}
