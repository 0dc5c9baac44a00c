import { Router } from 'express';
import type { AccessTokenSigner } from '@shop/auth-tokens';

/** Where the auth API is published, relative to PUBLIC_BASE_URL. */
export const authBasePath = '/api/auth';

/** The JWKS and the OpenID-style discovery document, under /api/auth/.well-known. */
export function wellKnownRoutes(deps: { signer: AccessTokenSigner; publicBaseUrl: string }): Router {
  const router = Router();
  const base = `${deps.publicBaseUrl}${authBasePath}`;
  const discovery = {
    issuer: deps.signer.issuer,
    jwks_uri: `${base}/.well-known/jwks.json`,
    token_endpoint: `${base}/login`,
    registration_endpoint: `${base}/register`,
    userinfo_endpoint: `${base}/me`,
    revocation_endpoint: `${base}/session/logout`,
    grant_types_supported: ['password', 'refresh_token'],
    response_types_supported: ['token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['none'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'email', 'roles'],
  };

  router.get('/jwks.json', (_req, res) => {
    // Verifiers cache it; during a rotation both keys are published for longer than this, so five minutes is safe.
    res.set('Cache-Control', 'public, max-age=300').json(deps.signer.jwks());
  });

  router.get('/openid-configuration', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(discovery);
  });

  return router;
}
