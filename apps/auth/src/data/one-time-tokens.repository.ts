import type { SqlExecutor } from '@shop/postgres';
import type { OneTimeTokenPurpose } from '../domain/one-time-token';
import type { NewOneTimeToken, OneTimeTokensRepository } from '../domain/ports';

/** Expired tokens deleted by one sweep at most. */
const sweepBatchSize = 500;

/** OneTimeTokensRepository on SQL (`one_time_tokens`); `sql` is the pool or a transaction. */
export class SqlOneTimeTokensRepository implements OneTimeTokensRepository {
  constructor(private readonly sql: SqlExecutor) {}

  async insert(token: NewOneTimeToken): Promise<void> {
    await this.sql.query(
      `INSERT INTO one_time_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4::timestamptz, $5::timestamptz)`,
      [token.tokenHash, token.userId, token.purpose, token.createdAt.toISOString(), token.expiresAt.toISOString()],
    );
  }

  async findUsable(tokenHash: string, purpose: OneTimeTokenPurpose, now: Date): Promise<{ userId: string } | undefined> {
    const { rows } = await this.sql.query<{ user_id: string }>(
      'SELECT user_id FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3::timestamptz',
      [tokenHash, purpose, now.toISOString()],
    );
    return rows[0] ? { userId: rows[0].user_id } : undefined;
  }

  async consume(tokenHash: string, purpose: OneTimeTokenPurpose, now: Date): Promise<{ userId: string } | undefined> {
    // The WHERE is re-checked after a concurrent writer's row lock is released, so only one caller spends it.
    const { rows } = await this.sql.query<{ user_id: string }>(
      `UPDATE one_time_tokens SET used_at = $3::timestamptz
       WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3::timestamptz
       RETURNING user_id`,
      [tokenHash, purpose, now.toISOString()],
    );
    return rows[0] ? { userId: rows[0].user_id } : undefined;
  }

  async spendAllOfUser(userId: string, purpose: OneTimeTokenPurpose, now: Date): Promise<number> {
    const { rowCount } = await this.sql.query(
      'UPDATE one_time_tokens SET used_at = $3::timestamptz WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL',
      [userId, purpose, now.toISOString()],
    );
    return rowCount;
  }

  async deleteExpired(before: Date): Promise<number> {
    const { rowCount } = await this.sql.query(
      `DELETE FROM one_time_tokens WHERE token_hash IN (SELECT token_hash FROM one_time_tokens WHERE expires_at <= $1::timestamptz LIMIT ${sweepBatchSize})`,
      [before.toISOString()],
    );
    return rowCount;
  }
}
