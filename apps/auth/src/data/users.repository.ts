import type { Role } from '@shop/contracts';
import type { SqlExecutor } from '@shop/postgres';
import type { NewUser, UserRecordPage, UsersRepository } from '../domain/ports';
import type { UserRecord } from '../domain/user';

interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  roles: Role[];
  email_verified: boolean;
  created_at: Date;
  updated_at: Date;
}

const columns = 'id, email, name, password_hash, roles, email_verified, created_at, updated_at';

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    roles: row.roles,
    emailVerified: row.email_verified,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** `%` and `_` in a search term are literal characters, not LIKE wildcards. */
function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** UsersRepository on SQL; `sql` is the pool or a transaction. */
export class SqlUsersRepository implements UsersRepository {
  constructor(private readonly sql: SqlExecutor) {}

  async findById(id: string): Promise<UserRecord | undefined> {
    const { rows } = await this.sql.query<UserRow>(`SELECT ${columns} FROM users WHERE id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const { rows } = await this.sql.query<UserRow>(`SELECT ${columns} FROM users WHERE lower(email) = lower($1)`, [email]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async insertIfEmailFree(user: NewUser): Promise<UserRecord | undefined> {
    // ON CONFLICT rather than catching 23505: a unique violation would abort the surrounding transaction.
    const { rows } = await this.sql.query<UserRow>(
      `INSERT INTO users (id, email, name, password_hash, roles) VALUES ($1, $2, $3, $4, $5::text[])
       ON CONFLICT ((lower(email))) DO NOTHING
       RETURNING ${columns}`,
      [user.id, user.email, user.name, user.passwordHash, user.roles],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async upsertWithRole(user: NewUser, role: Role): Promise<{ user: UserRecord; created: boolean }> {
    // xmax = 0 only on a freshly inserted row version: tells an insert from the conflict update in one statement.
    // The address is the one the operator named, so it counts as verified (an admin role needs that).
    const { rows } = await this.sql.query<UserRow & { created: boolean }>(
      `INSERT INTO users (id, email, name, password_hash, roles, email_verified) VALUES ($1, $2, $3, $4, $5::text[], true)
       ON CONFLICT ((lower(email))) DO UPDATE
         SET roles = CASE WHEN $6 = ANY (users.roles) THEN users.roles ELSE users.roles || $6::text END,
             email_verified = true,
             updated_at = CASE WHEN $6 = ANY (users.roles) AND users.email_verified THEN users.updated_at ELSE now() END
       RETURNING ${columns}, (xmax = 0) AS created`,
      [user.id, user.email, user.name, user.passwordHash, user.roles, role],
    );
    const row = rows[0];
    return { user: toRecord(row), created: row.created };
  }

  async setRoles(id: string, roles: Role[]): Promise<UserRecord | undefined> {
    const { rows } = await this.sql.query<UserRow>(`UPDATE users SET roles = $2::text[], updated_at = now() WHERE id = $1 RETURNING ${columns}`, [id, roles]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.sql.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [id, passwordHash]);
  }

  async markEmailVerified(id: string): Promise<UserRecord | undefined> {
    const { rows } = await this.sql.query<UserRow>(
      `UPDATE users SET email_verified = true, updated_at = CASE WHEN email_verified THEN updated_at ELSE now() END WHERE id = $1 RETURNING ${columns}`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async list(options: { emailContains?: string; limit: number; offset: number }): Promise<UserRecordPage> {
    const filter = options.emailContains ? `%${escapeLike(options.emailContains.toLowerCase())}%` : null;
    const where = `WHERE ($1::text IS NULL OR lower(email) LIKE $1)`;
    const [page, count] = await Promise.all([
      this.sql.query<UserRow>(`SELECT ${columns} FROM users ${where} ORDER BY created_at, id LIMIT $2 OFFSET $3`, [filter, options.limit, options.offset]),
      this.sql.query<{ total: number }>(`SELECT count(*)::int8 AS total FROM users ${where}`, [filter]),
    ]);
    return { items: page.rows.map(toRecord), total: count.rows[0]?.total ?? 0 };
  }

  async listByRole(role: Role): Promise<UserRecord[]> {
    const { rows } = await this.sql.query<UserRow>(`SELECT ${columns} FROM users WHERE $1 = ANY (roles) ORDER BY created_at, id`, [role]);
    return rows.map(toRecord);
  }
}
