import type { Role } from '@shop/contracts';

/** The authenticated caller of a request, as read from a verified access token. */
export interface Principal {
  userId: string;
  email: string;
  roles: Role[];
}

/** The claims of an access token beyond the registered ones (iss, aud, exp, iat, sub, jti). */
export interface AccessTokenClaims {
  email: string;
  roles: Role[];
}

/** Issuer and audience that every service expects on access tokens. */
export const defaultTokenAudience = 'shop-api';
export const defaultTokenIssuer = 'shop-auth';
