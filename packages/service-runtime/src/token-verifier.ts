import { RemoteJwks, TokenVerifier, type JwksDocument, type TokenVerifierOptions } from '@shop/auth-tokens';
import type { ServiceInvoker } from '@shop/building-blocks';
import { AppError } from '@shop/kernel';

/** Where the auth service publishes its keys. */
export interface AuthServiceLocation {
  /** The auth service's app id (AUTH_APP_ID). */
  authAppId: string;
  /** Path of its JWKS (AUTH_JWKS_PATH). */
  jwksPath: string;
}

/** What a service may tighten or widen on the tokens it accepts; the auth-tokens defaults apply to anything left out. */
export type TokenAcceptance = Pick<TokenVerifierOptions, 'issuer' | 'audience' | 'maxLifetimeSeconds' | 'clockToleranceSeconds'>;

/**
 * A TokenVerifier that checks access tokens locally against the auth service's JWKS, fetched through service
 * invocation and cached (refetched on an unknown key id), with the token limits of `acceptance` (e.g. a service's
 * `maxLifetimeSeconds`). What every service but auth uses in production.
 */
export function authServiceTokenVerifier(invoker: ServiceInvoker, location: AuthServiceLocation, acceptance: TokenAcceptance = {}): TokenVerifier {
  const fetchJwks = async (): Promise<JwksDocument> => {
    const response = await invoker.invoke<JwksDocument>(location.authAppId, { method: 'GET', path: location.jwksPath });
    if (response.status !== 200 || typeof response.body !== 'object' || response.body === null || !Array.isArray(response.body.keys)) {
      throw new AppError('unavailable', `auth answered ${response.status} for its JWKS`);
    }
    return response.body;
  };
  return new TokenVerifier({ ...acceptance, jwks: new RemoteJwks({ fetchJwks }) });
}
