import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { AccessTokenClaims, Principal } from './principal';
import { defaultTokenAudience, defaultTokenIssuer } from './principal';
import { publicJwkOf, type PublicJwk, type SigningKey } from './signing-keys';

/** Options of the signer. */
export interface AccessTokenSignerOptions {
  /** The first key signs; the others are still published so tokens they signed keep verifying during a rotation. */
  keys: SigningKey[];
  issuer?: string;
  audience?: string;
  ttlSeconds?: number;
}

/** Signs short-lived RS256 access tokens and publishes the JWKS that verifies them. */
export class AccessTokenSigner {
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;

  constructor(private readonly options: AccessTokenSignerOptions) {
    if (options.keys.length === 0) throw new Error('at least one signing key is required');
    this.issuer = options.issuer ?? defaultTokenIssuer;
    this.audience = options.audience ?? defaultTokenAudience;
    this.ttlSeconds = options.ttlSeconds ?? 900;
  }

  /** Signs an access token for `principal`. */
  sign(principal: Principal): string {
    const active = this.options.keys[0];
    const claims: AccessTokenClaims = { email: principal.email, roles: principal.roles };
    return jwt.sign(claims, active.privateKey, {
      algorithm: 'RS256',
      keyid: active.kid,
      subject: principal.userId,
      issuer: this.issuer,
      audience: this.audience,
      expiresIn: this.ttlSeconds,
      jwtid: randomUUID(),
    });
  }

  /** The public keys of every configured key. */
  jwks(): { keys: PublicJwk[] } {
    return { keys: this.options.keys.map(publicJwkOf) };
  }
}
