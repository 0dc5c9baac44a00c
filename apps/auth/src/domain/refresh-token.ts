import { createHash, randomBytes } from 'node:crypto';

/** Bytes of randomness in a refresh token (256 bits). */
const refreshTokenBytes = 32;

/** A new opaque refresh token: 32 random bytes, base64url (43 characters). */
export function generateRefreshToken(): string {
  return randomBytes(refreshTokenBytes).toString('base64url');
}

/** What is stored of a refresh token: its SHA-256 (hex). A stolen table does not yield usable tokens. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The state of a refresh token found by its hash, as the rotation rules need it. */
export interface RefreshTokenState {
  usedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
}

/** Why a presented refresh token that could not be consumed is refused. */
export type RefreshRefusal = 'unknown' | 'revoked' | 'expired' | 'reused';

/**
 * Classifies a token that the conditional consume did not take. A token already used (and not yet revoked) is
 * a replay: someone holds a copy, so the whole family must be revoked.
 */
export function refusalOf(token: RefreshTokenState | undefined, now: Date): RefreshRefusal {
  if (!token) return 'unknown';
  if (token.revokedAt) return 'revoked';
  if (token.usedAt) return 'reused';
  if (token.expiresAt.getTime() <= now.getTime()) return 'expired';
  // Not used, not revoked, not expired, yet not consumable: it was consumed between our two statements.
  return 'reused';
}
