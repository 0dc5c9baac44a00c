import type { ApiKeyScope, ApiKeyTier } from '@shop/contracts';

/** A partner key as stored (never the key itself). */
export interface ApiKeyRecord {
  id: string;
  name: string;
  tier: ApiKeyTier;
  scopes: ApiKeyScope[];
  /** The admin who issued it (user id). */
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  rotatedAt: Date | null;
  /** The prefix of the current secret. */
  prefix: string;
  /** Until when the secret before the last rotation still works, when it still does. */
  previousKeyValidUntil: Date | null;
}

/** A stored secret whose prefix matches a presented key, with what the key may do. */
export interface ApiKeyCandidate {
  keyId: string;
  secretHash: string;
  tier: ApiKeyTier;
  scopes: ApiKeyScope[];
  revokedAt: Date | null;
  /** Null for the key's current secret. */
  validUntil: Date | null;
}

/** What is stored of a new secret. */
export interface StoredSecret {
  prefix: string;
  secretHash: string;
}

/** The outcome of a rotation or a revocation on the store. */
export type ApiKeyChangeOutcome =
  | { kind: 'changed'; key: ApiKeyRecord }
  | { kind: 'not_found' }
  /** A revoked key cannot be rotated. */
  | { kind: 'revoked' };

/** Port: the keys and their secrets (PostgreSQL in production). Each method is one transaction. */
export interface ApiKeysRepository {
  insert(key: Omit<ApiKeyRecord, 'lastUsedAt' | 'revokedAt' | 'rotatedAt' | 'prefix' | 'previousKeyValidUntil'>, secret: StoredSecret): Promise<ApiKeyRecord>;
  /** Every key, newest first. */
  list(now: Date): Promise<ApiKeyRecord[]>;
  /** The secrets stored under `prefix` (almost always none or one). */
  candidatesWithPrefix(prefix: string): Promise<ApiKeyCandidate[]>;
  /** Adds `secret` as the current one; the previous current secret works until `previousValidUntil`. */
  rotate(keyId: string, secret: StoredSecret, at: Date, previousValidUntil: Date): Promise<ApiKeyChangeOutcome>;
  /** Closes every secret of the key at `at` (a second revocation changes nothing and is not an error). */
  revoke(keyId: string, at: Date): Promise<ApiKeyChangeOutcome & { alreadyRevoked?: boolean }>;
  /** Notes a use (at most about once a minute per key, so a busy key does not write on every verification). */
  touchLastUsed(keyId: string, at: Date): Promise<void>;
}

/** Port: tells every replica that verifies keys that one changed, so none trusts its cached answer any more. */
export interface ApiKeyChangeNotifier {
  revoked(keyId: string, at: Date): Promise<void>;
  rotated(keyId: string, at: Date, previousKeyValidUntil: Date): Promise<void>;
}
