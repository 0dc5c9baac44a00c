import { createHash } from 'node:crypto';
import type { RateLimitRejectionRecorder } from '@shop/platform';
import type { SqlExecutor } from '@shop/postgres';
import { decideLoginAttempt, type CounterReading, type LoginThrottle, type LoginThrottleLimits, type ThrottleDecision } from '../domain/login-throttle';

interface CounterRow {
  scope_key: string;
  attempts: number;
  window_ends_at: Date;
  previous_attempt_at: Date | null;
}

/** Every this many reservations, expired counters are deleted (a bounded batch), so the table does not grow forever. */
const sweepEveryReservations = 100;
const sweepBatchSize = 500;

/**
 * Counts login attempts in the auth database's `login_throttle_counters`, in fixed windows. A reservation is ONE
 * statement (`INSERT ... ON CONFLICT DO UPDATE ... RETURNING`) over the three counters of the attempt, so concurrent
 * attempts each get their own count and none can slip past a limit between a read and a write. Lives in PostgreSQL
 * rather than the state store: the auth service has its database anyway, and sign-in keeps working without Redis.
 * Keys hold a hash of the e-mail, not the e-mail itself.
 */
export class SqlLoginThrottle implements LoginThrottle {
  private readonly now: () => number;
  private reservationsSinceSweep = 0;

  constructor(private readonly deps: { sql: SqlExecutor; limits: LoginThrottleLimits; now?: () => number; rejections?: RateLimitRejectionRecorder }) {
    this.now = deps.now ?? Date.now;
  }

  async reserveAttempt(email: string, address: string | undefined): Promise<ThrottleDecision> {
    const now = new Date(this.now());
    const keys = counterKeys(email, address);
    const scopeKeys = [keys.accountAndAddress, keys.address, keys.account].filter((key): key is string => key !== undefined);
    const { rows } = await this.deps.sql.query<CounterRow>(
      // Rows are locked in the array's order (pair, address, account) by every reservation, so two never deadlock.
      // A window that has ended starts again at this attempt.
      `INSERT INTO login_throttle_counters AS c (scope_key, attempts, window_ends_at, last_attempt_at)
       SELECT key, 1, $2::timestamptz, $1::timestamptz FROM unnest($3::text[]) WITH ORDINALITY AS k (key, position) ORDER BY position
       ON CONFLICT (scope_key) DO UPDATE SET
         attempts = CASE WHEN c.window_ends_at <= $1 THEN 1 ELSE c.attempts + 1 END,
         previous_attempt_at = CASE WHEN c.window_ends_at <= $1 THEN NULL ELSE c.last_attempt_at END,
         window_ends_at = CASE WHEN c.window_ends_at <= $1 THEN EXCLUDED.window_ends_at ELSE c.window_ends_at END,
         last_attempt_at = EXCLUDED.last_attempt_at
       RETURNING scope_key, attempts, window_ends_at, previous_attempt_at`,
      [now, new Date(now.getTime() + this.deps.limits.windowSeconds * 1000), scopeKeys],
    );
    const readings = new Map(rows.map((row) => [row.scope_key, toReading(row)]));
    const reading = (key: string): CounterReading => {
      const found = readings.get(key);
      if (!found) throw new Error(`the login throttle reservation returned no counter for ${key}`);
      return found;
    };
    await this.sweepExpiredNowAndThen(now);
    const decision = decideLoginAttempt(
      { accountAndAddress: reading(keys.accountAndAddress), address: keys.address ? reading(keys.address) : undefined, account: reading(keys.account) },
      this.deps.limits,
      now,
    );
    if (!decision.allowed) this.deps.rejections?.rejected(decision.scope);
    return decision;
  }

  async recordSuccess(email: string, address: string | undefined): Promise<void> {
    const keys = counterKeys(email, address);
    const givenBack = [keys.address, keys.account].filter((key): key is string => key !== undefined);
    await this.deps.sql.query(
      `WITH cleared AS (DELETE FROM login_throttle_counters WHERE scope_key = $1)
       UPDATE login_throttle_counters SET attempts = greatest(attempts - 1, 0) WHERE scope_key = ANY ($2::text[])`,
      [keys.accountAndAddress, givenBack],
    );
  }

  private async sweepExpiredNowAndThen(now: Date): Promise<void> {
    this.reservationsSinceSweep += 1;
    if (this.reservationsSinceSweep < sweepEveryReservations) return;
    this.reservationsSinceSweep = 0;
    await this.deps.sql.query(
      `DELETE FROM login_throttle_counters WHERE scope_key IN (
         SELECT scope_key FROM login_throttle_counters WHERE window_ends_at <= $1 LIMIT ${sweepBatchSize})`,
      [now],
    );
  }
}

function toReading(row: CounterRow): CounterReading {
  return {
    attempts: Number(row.attempts),
    windowEndsAt: new Date(row.window_ends_at),
    previousAttemptAt: row.previous_attempt_at === null ? null : new Date(row.previous_attempt_at),
  };
}

/** The counter keys of one attempt. */
function counterKeys(email: string, address: string | undefined): { accountAndAddress: string; address?: string; account: string } {
  const account = createHash('sha256').update(email).digest('base64url');
  return {
    accountAndAddress: `account-address:${account}:${address ?? 'unknown'}`,
    address: address ? `address:${address}` : undefined,
    account: `account:${account}`,
  };
}
