import type { RequestHandler } from 'express';
import type { Role, UserAuthorization } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import type { Principal } from './principal';
import { requirePrincipal } from './middleware';

/**
 * Port: what auth's database says a user may do now. An access token's roles are those of the moment it was signed
 * (up to its lifetime ago); actions a demoted admin must not keep doing ask this instead.
 */
export interface UserAuthorizations {
  /** The account's current roles and state; undefined when it does not exist. Throws `unavailable` when auth cannot answer. */
  authorizationOf(userId: string): Promise<UserAuthorization | undefined>;
}

/**
 * Throws `forbidden` unless the principal holds `role` both in its token and, asked now, in auth's database (an
 * account that is gone or disabled holds nothing). The token is checked first, so callers without the role never
 * cost a call to auth. Fails closed: when auth cannot answer, the `unavailable` error (503) propagates.
 */
export async function confirmCurrentRole(authorizations: UserAuthorizations, principal: Principal, role: Role): Promise<void> {
  if (!principal.roles.includes(role)) throw new AppError('forbidden', `This requires the ${role} role`);
  const current = await authorizations.authorizationOf(principal.userId);
  if (!current || current.disabled || !current.roles.includes(role)) {
    throw new AppError('forbidden', `This requires the ${role} role, and your account no longer holds it`);
  }
}

/** `requireRole`, confirmed against auth's database (see `confirmCurrentRole`). Mount after `authenticate`. */
export function requireCurrentRole(authorizations: UserAuthorizations, role: Role): RequestHandler {
  return async (_req, res, next) => {
    await confirmCurrentRole(authorizations, requirePrincipal(res), role);
    next();
  };
}
