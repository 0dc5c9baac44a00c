import jwt, { type JwtPayload } from 'jsonwebtoken';
import { Roles, type Role } from '@shop/contracts';
import type { JwksSource } from './jwks';
import { defaultTokenAudience, defaultTokenIssuer, type Principal } from './principal';
import { AppError } from '@shop/kernel';

/** Longest access-token lifetime (`exp - iat`) a verifier accepts unless configured otherwise: well above auth's 15 minutes. */
export const defaultMaxTokenLifetimeSeconds = 3600;

/** Options of the verifier. */
export interface TokenVerifierOptions {
  jwks: JwksSource;
  issuer?: string;
  audience?: string;
  /** Clock skew tolerated on `exp`, `nbf` and a future `iat` (default 5 s). */
  clockToleranceSeconds?: number;
  /** Longest lifetime (`exp - iat`) accepted (default {@link defaultMaxTokenLifetimeSeconds}). */
  maxLifetimeSeconds?: number;
  /** The clock, in epoch milliseconds (tests move it). */
  now?: () => number;
}

const knownRoles = new Set<string>(Object.values(Roles));

/**
 * Verifies access tokens locally against the issuer's published keys: RS256 only; `iss`, `aud`, `exp` and `iat`
 * required and checked, and a lifetime beyond the configured maximum refused, because a leaked signing key or a
 * misconfigured issuer must not be able to mint tokens that live for ever.
 */
export class TokenVerifier {
  private readonly issuer: string;
  private readonly audience: string;
  private readonly clockToleranceSeconds: number;
  private readonly maxLifetimeSeconds: number;

  constructor(private readonly options: TokenVerifierOptions) {
    this.issuer = options.issuer ?? defaultTokenIssuer;
    this.audience = options.audience ?? defaultTokenAudience;
    this.clockToleranceSeconds = options.clockToleranceSeconds ?? 5;
    this.maxLifetimeSeconds = options.maxLifetimeSeconds ?? defaultMaxTokenLifetimeSeconds;
    // jsonwebtoken skips the issuer and audience checks when they are empty: refuse such a verifier outright.
    if (!this.issuer || !this.audience) throw new Error('a token verifier needs a non-empty issuer and audience');
    if (!(Number.isInteger(this.maxLifetimeSeconds) && this.maxLifetimeSeconds > 0)) throw new Error('maxLifetimeSeconds must be a positive integer');
  }

  /** The principal of a valid token; an `unauthorized` AppError for anything else. */
  async verify(token: string): Promise<Principal> {
    const decoded = jwt.decode(token, { complete: true });
    const kid = decoded && typeof decoded === 'object' ? decoded.header.kid : undefined;
    if (!decoded || !kid) throw new AppError('unauthorized', 'The access token is malformed');
    if (decoded.header.alg !== 'RS256') throw new AppError('unauthorized', 'The access token uses an unsupported algorithm');
    const key = await this.options.jwks.getKey(kid);
    if (!key) throw new AppError('unauthorized', 'The access token is signed by an unknown key');
    const nowSeconds = Math.floor((this.options.now?.() ?? Date.now()) / 1000);
    let payload: JwtPayload;
    try {
      payload = jwt.verify(token, key, {
        algorithms: ['RS256'],
        issuer: this.issuer,
        audience: this.audience,
        clockTolerance: this.clockToleranceSeconds,
        clockTimestamp: nowSeconds,
      }) as JwtPayload;
    } catch (error) {
      const expired = error instanceof jwt.TokenExpiredError;
      throw new AppError('unauthorized', expired ? 'The access token has expired' : 'The access token is invalid');
    }
    this.checkRegisteredClaims(payload, nowSeconds);
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((role): role is Role => typeof role === 'string' && knownRoles.has(role)) : [];
    if (typeof payload.sub !== 'string' || typeof payload.email !== 'string') throw new AppError('unauthorized', 'The access token lacks its subject');
    return { userId: payload.sub, email: payload.email, roles };
  }

  /** What jsonwebtoken leaves optional (a token without `exp` never expires there) is required here. */
  private checkRegisteredClaims(payload: JwtPayload, nowSeconds: number): void {
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (payload.iss !== this.issuer || !audiences.includes(this.audience)) {
      throw new AppError('unauthorized', 'The access token is for another issuer or audience');
    }
    const { exp, iat } = payload;
    if (typeof exp !== 'number' || typeof iat !== 'number') throw new AppError('unauthorized', 'The access token lacks its expiry or issue time');
    if (iat > nowSeconds + this.clockToleranceSeconds) throw new AppError('unauthorized', 'The access token is issued in the future');
    if (exp - iat > this.maxLifetimeSeconds) throw new AppError('unauthorized', 'The access token lives longer than allowed');
  }
}
