import type { RequestHandler, Response } from 'express';
import { Roles } from '@shop/contracts';
import { authenticate, requirePrincipal, requireRole, type TokenVerifier } from '@shop/auth-tokens';
import type { CatalogContext } from '../domain/ports';

/** Middlewares that let only admins through: 401 without a valid token, 403 without the admin role. */
export function adminOnly(verifier: TokenVerifier): RequestHandler[] {
  return [authenticate(verifier), requireRole(Roles.admin)];
}

/** The catalog context of an authenticated request: the admin is the actor. */
export function contextOf(res: Response): CatalogContext {
  const principal = requirePrincipal(res);
  return { actor: { kind: 'user', userId: principal.userId, email: principal.email } };
}
