import type { Request, RequestHandler, Response } from 'express';
import type { Role } from '@shop/contracts';
import type { Principal } from './principal';
import type { TokenVerifier } from './token-verifier';
import { AppError } from '@shop/kernel';

/** The authenticated caller of this request, if `authenticate` found one. */
export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

/** The authenticated caller, or an `unauthorized` error. */
export function requirePrincipal(res: Response): Principal {
  const principal = principalOf(res);
  if (!principal) throw new AppError('unauthorized', 'Sign in to do this');
  return principal;
}

function bearerToken(req: Request): string | undefined {
  const header = req.header('authorization');
  if (!header) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  if (!match) throw new AppError('unauthorized', 'The Authorization header must be "Bearer <token>"');
  return match[1];
}

/**
 * Verifies the bearer token when there is one and stores the principal (see `principalOf`). A bad token is
 * always a 401; a missing one is a 401 unless `optional` (anonymous access allowed).
 */
export function authenticate(verifier: TokenVerifier, options: { optional?: boolean } = {}): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req);
    if (!token) {
      if (options.optional) return next();
      throw new AppError('unauthorized', 'An access token is required (Authorization: Bearer <token>)');
    }
    res.locals.principal = await verifier.verify(token);
    next();
  };
}

/** 401 without a principal, 403 when the principal lacks `role`. Mount after `authenticate`. */
export function requireRole(role: Role): RequestHandler {
  return (_req, res, next) => {
    const principal = requirePrincipal(res);
    if (!principal.roles.includes(role)) throw new AppError('forbidden', `This requires the ${role} role`);
    next();
  };
}
