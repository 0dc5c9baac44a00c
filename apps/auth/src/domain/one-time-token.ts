import { createHash } from 'node:crypto';
import { OneTimeLinkLifetimes } from '@shop/contracts';
import { generateRefreshToken, hashRefreshToken } from './refresh-token';

/** What an e-mailed one-time link is for. */
export type OneTimeTokenPurpose = 'password_reset' | 'email_verification';

/** Seconds a link of each purpose stays usable. */
export const oneTimeTokenLifetimeSeconds: Record<OneTimeTokenPurpose, number> = {
  password_reset: OneTimeLinkLifetimes.passwordResetSeconds,
  email_verification: OneTimeLinkLifetimes.emailVerificationSeconds,
};

/** At most one link e-mail of a kind per address (reset) or account (verification) in this many seconds. */
export const linkEmailWindowSeconds = 60;

/** A new one-time token: like a refresh token, 32 random bytes in base64url. */
export const generateOneTimeToken: () => string = generateRefreshToken;

/** What is stored of a one-time token: its SHA-256 (hex), so a copy of the table opens no account. */
export const hashOneTimeToken: (token: string) => string = hashRefreshToken;

/**
 * The limit scope of reset e-mails to an address. The address is hashed: the scope exists for unknown addresses too
 * (so both paths do the same work), and the table must not become a list of what strangers typed.
 */
export function passwordResetLimitScope(normalisedEmail: string): string {
  return `password_reset:${createHash('sha256').update(normalisedEmail, 'utf8').digest('base64url')}`;
}

/** The limit scope of verification e-mails of an account. */
export function emailVerificationLimitScope(userId: string): string {
  return `email_verification:${userId}`;
}
