import type { RequestHandler, Response } from 'express';
import { Roles } from '@shop/contracts';
import { authenticate, requireCurrentRole, requirePrincipal, requireRole, type TokenVerifier, type UserAuthorizations } from '@shop/auth-tokens';
import type { CatalogContext } from '../domain/ports';

/** Middlewares that let only admins through: 401 without a valid token, 403 without the admin role. */
export function adminOnly(verifier: TokenVerifier): RequestHandler[] {
  return [authenticate(verifier), requireRole(Roles.admin)];
}

/**
 * `adminOnly`, with the role confirmed in auth's database at the time of the request (403 once demoted, 503 when auth
 * cannot answer): for the actions that cannot be undone, which a token signed before a demotion must not authorise.
 */
export function currentAdminOnly(verifier: TokenVerifier, authorizations: UserAuthorizations): RequestHandler[] {
  return [authenticate(verifier), requireCurrentRole(authorizations, Roles.admin)];
}

/** The catalog context of an authenticated request: the admin is the actor. */
export function contextOf(res: Response): CatalogContext {
  const principal = requirePrincipal(res);
  return { actor: { kind: 'user', userId: principal.userId, email: principal.email } };
}
