import type { SqlExecutor } from '@shop/postgres';
import type { NewRefreshToken, RefreshTokenRecord, RefreshTokensRepository } from '../domain/ports';

interface RefreshTokenRow {
  id: string;
  family_id: string;
  parent_id: string | null;
  user_id: string;
  issued_at: Date;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

const columns = 'id, family_id, parent_id, user_id, issued_at, expires_at, used_at, revoked_at';

const toDate = (value: Date | null) => (value === null ? null : new Date(value));

function toRecord(row: RefreshTokenRow): RefreshTokenRecord {
  return {
    id: row.id,
    familyId: row.family_id,
    parentId: row.parent_id,
    userId: row.user_id,
    issuedAt: new Date(row.issued_at),
    expiresAt: new Date(row.expires_at),
    usedAt: toDate(row.used_at),
    revokedAt: toDate(row.revoked_at),
  };
}

/** RefreshTokensRepository on SQL; `sql` is the pool or a transaction. */
export class SqlRefreshTokensRepository implements RefreshTokensRepository {
  constructor(private readonly sql: SqlExecutor) {}

  async insert(token: NewRefreshToken): Promise<void> {
    await this.sql.query(
      `INSERT INTO refresh_tokens (id, family_id, parent_id, user_id, token_hash, issued_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::timestamptz)`,
      [token.id, token.familyId, token.parentId, token.userId, token.tokenHash, token.issuedAt.toISOString(), token.expiresAt.toISOString()],
    );
  }

  async consume(tokenHash: string, now: Date): Promise<RefreshTokenRecord | undefined> {
    // The WHERE is re-checked after a concurrent writer's row lock is released, so only one caller wins.
    const { rows } = await this.sql.query<RefreshTokenRow>(
      `UPDATE refresh_tokens SET used_at = $2::timestamptz
       WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2::timestamptz
       RETURNING ${columns}`,
      [tokenHash, now.toISOString()],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const { rows } = await this.sql.query<RefreshTokenRow>(`SELECT ${columns} FROM refresh_tokens WHERE token_hash = $1`, [tokenHash]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async revokeFamily(familyId: string, now: Date): Promise<number> {
    const { rowCount } = await this.sql.query(
      'UPDATE refresh_tokens SET revoked_at = $2::timestamptz WHERE family_id = $1 AND revoked_at IS NULL',
      [familyId, now.toISOString()],
    );
    return rowCount;
  }

  async revokeAllOfUser(userId: string, now: Date): Promise<number> {
    const { rowCount } = await this.sql.query(
      'UPDATE refresh_tokens SET revoked_at = $2::timestamptz WHERE user_id = $1 AND revoked_at IS NULL',
      [userId, now.toISOString()],
    );
    return rowCount;
  }
}
