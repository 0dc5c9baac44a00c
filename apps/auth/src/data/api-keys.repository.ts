import type { ApiKeyScope, ApiKeyTier } from '@shop/contracts';
import type { Database, SqlExecutor } from '@shop/postgres';
import type { ApiKeyCandidate, ApiKeyChangeOutcome, ApiKeyRecord, ApiKeysRepository, StoredSecret } from '../domain/api-keys.ports';

interface KeyRow {
  id: string;
  name: string;
  tier: ApiKeyTier;
  scopes: ApiKeyScope[];
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  rotated_at: Date | null;
  prefix: string | null;
  previous_valid_until: Date | null;
}

/** A key with its current prefix and the grace end of the secret it last replaced (when that still lies ahead). */
const selectKeys = `
  SELECT k.id, k.name, k.tier, k.scopes, k.created_by, k.created_at, k.last_used_at, k.revoked_at, k.rotated_at,
         (SELECT s.prefix FROM api_key_secrets s WHERE s.key_id = k.id ORDER BY s.valid_until DESC NULLS FIRST, s.created_at DESC LIMIT 1) AS prefix,
         (SELECT max(s.valid_until) FROM api_key_secrets s
           WHERE s.key_id = k.id AND k.revoked_at IS NULL AND s.valid_until > $1::timestamptz) AS previous_valid_until
  FROM api_keys k`;

/** Uses of a key closer together than this write last_used_at once. */
const lastUsedResolutionSeconds = 60;

/** ApiKeysRepository on SQL (`api_keys`, `api_key_secrets`). */
export class SqlApiKeysRepository implements ApiKeysRepository {
  constructor(private readonly db: Database) {}

  async insert(key: Parameters<ApiKeysRepository['insert']>[0], secret: StoredSecret): Promise<ApiKeyRecord> {
    await this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO api_keys (id, name, tier, scopes, created_by, created_at) VALUES ($1, $2, $3, $4::text[], $5, $6::timestamptz)', [
        key.id,
        key.name,
        key.tier,
        key.scopes,
        key.createdBy,
        key.createdAt.toISOString(),
      ]);
      await insertSecret(tx, key.id, secret, key.createdAt);
    });
    return { ...key, lastUsedAt: null, revokedAt: null, rotatedAt: null, prefix: secret.prefix, previousKeyValidUntil: null };
  }

  async list(now: Date): Promise<ApiKeyRecord[]> {
    const { rows } = await this.db.query<KeyRow>(`${selectKeys} ORDER BY k.created_at DESC, k.id DESC`, [now.toISOString()]);
    return rows.map(toRecord);
  }

  async candidatesWithPrefix(prefix: string): Promise<ApiKeyCandidate[]> {
    const { rows } = await this.db.query<{ key_id: string; secret_hash: string; tier: ApiKeyTier; scopes: ApiKeyScope[]; revoked_at: Date | null; valid_until: Date | null }>(
      `SELECT s.key_id, s.secret_hash, k.tier, k.scopes, k.revoked_at, s.valid_until
       FROM api_key_secrets s JOIN api_keys k ON k.id = s.key_id WHERE s.prefix = $1`,
      [prefix],
    );
    return rows.map((row) => ({ keyId: row.key_id, secretHash: row.secret_hash, tier: row.tier, scopes: row.scopes, revokedAt: row.revoked_at, validUntil: row.valid_until }));
  }

  async rotate(keyId: string, secret: StoredSecret, at: Date, previousValidUntil: Date): Promise<ApiKeyChangeOutcome> {
    return this.db.transaction(async (tx) => {
      // The row lock serialises concurrent rotations and a revocation of the same key.
      const { rows } = await tx.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE id = $1 FOR UPDATE', [keyId]);
      if (rows.length === 0) return { kind: 'not_found' };
      if (rows[0].revoked_at !== null) return { kind: 'revoked' };
      await tx.query('UPDATE api_key_secrets SET valid_until = $2::timestamptz WHERE key_id = $1 AND valid_until IS NULL', [keyId, previousValidUntil.toISOString()]);
      await insertSecret(tx, keyId, secret, at);
      await tx.query('UPDATE api_keys SET rotated_at = $2::timestamptz WHERE id = $1', [keyId, at.toISOString()]);
      return { kind: 'changed', key: await keyOf(tx, keyId, at) };
    });
  }

  async revoke(keyId: string, at: Date): Promise<ApiKeyChangeOutcome & { alreadyRevoked?: boolean }> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE id = $1 FOR UPDATE', [keyId]);
      if (rows.length === 0) return { kind: 'not_found' as const };
      if (rows[0].revoked_at !== null) return { kind: 'changed' as const, key: await keyOf(tx, keyId, at), alreadyRevoked: true };
      await tx.query('UPDATE api_keys SET revoked_at = $2::timestamptz WHERE id = $1', [keyId, at.toISOString()]);
      await tx.query('UPDATE api_key_secrets SET valid_until = $2::timestamptz WHERE key_id = $1 AND (valid_until IS NULL OR valid_until > $2::timestamptz)', [keyId, at.toISOString()]);
      return { kind: 'changed' as const, key: await keyOf(tx, keyId, at), alreadyRevoked: false };
    });
  }

  async touchLastUsed(keyId: string, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE api_keys SET last_used_at = $2::timestamptz
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - make_interval(secs => $3))`,
      [keyId, at.toISOString(), lastUsedResolutionSeconds],
    );
  }
}

async function insertSecret(tx: SqlExecutor, keyId: string, secret: StoredSecret, at: Date): Promise<void> {
  await tx.query('INSERT INTO api_key_secrets (secret_hash, key_id, prefix, created_at) VALUES ($1, $2, $3, $4::timestamptz)', [secret.secretHash, keyId, secret.prefix, at.toISOString()]);
}

async function keyOf(tx: SqlExecutor, keyId: string, now: Date): Promise<ApiKeyRecord> {
  const { rows } = await tx.query<KeyRow>(`${selectKeys} WHERE k.id = $2`, [now.toISOString(), keyId]);
  return toRecord(rows[0]);
}

function toRecord(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    tier: row.tier,
    scopes: row.scopes,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    rotatedAt: row.rotated_at,
    prefix: row.prefix ?? '',
    previousKeyValidUntil: row.previous_valid_until,
  };
}
