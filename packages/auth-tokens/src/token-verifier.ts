import jwt, { type JwtPayload } from 'jsonwebtoken';
import { Roles, type Role } from '@shop/contracts';
import type { JwksSource } from './jwks';
import { defaultTokenAudience, defaultTokenIssuer, type Principal } from './principal';
import { AppError } from '@shop/kernel';

/** Options of the verifier. */
export interface TokenVerifierOptions {
  jwks: JwksSource;
  issuer?: string;
  audience?: string;
  clockToleranceSeconds?: number;
}

const knownRoles = new Set<string>(Object.values(Roles));

/** Verifies access tokens locally against the issuer's published keys: RS256 only, issuer, audience and expiry checked. */
export class TokenVerifier {
  constructor(private readonly options: TokenVerifierOptions) {}

  /** The principal of a valid token; an `unauthorized` AppError for anything else. */
  async verify(token: string): Promise<Principal> {
    const decoded = jwt.decode(token, { complete: true });
    const kid = decoded && typeof decoded === 'object' ? decoded.header.kid : undefined;
    if (!decoded || !kid) throw new AppError('unauthorized', 'The access token is malformed');
    if (decoded.header.alg !== 'RS256') throw new AppError('unauthorized', 'The access token uses an unsupported algorithm');
    const key = await this.options.jwks.getKey(kid);
    if (!key) throw new AppError('unauthorized', 'The access token is signed by an unknown key');
    let payload: JwtPayload;
    try {
      payload = jwt.verify(token, key, {
        algorithms: ['RS256'],
        issuer: this.options.issuer ?? defaultTokenIssuer,
        audience: this.options.audience ?? defaultTokenAudience,
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
      }) as JwtPayload;
    } catch (error) {
      const expired = error instanceof jwt.TokenExpiredError;
      throw new AppError('unauthorized', expired ? 'The access token has expired' : 'The access token is invalid');
    }
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((role): role is Role => typeof role === 'string' && knownRoles.has(role)) : [];
    if (typeof payload.sub !== 'string' || typeof payload.email !== 'string') throw new AppError('unauthorized', 'The access token lacks its subject');
    return { userId: payload.sub, email: payload.email, roles };
  }
}
