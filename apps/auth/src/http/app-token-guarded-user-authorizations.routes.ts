import { Router } from 'express';
import type { UserAuthorizations } from '@shop/auth-tokens';
import { AuthUserAuthorizationPaths, type UserAuthorization } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { requireInternalCaller } from '@shop/platform';

/**
 * Service-to-service read under /internal/auth, guarded by Dapr's app API token when one is configured (and never
 * routed by the gateway): a user's current roles, which catalog and order check before the admin actions a stale
 * access token must not authorise.
 */
export function createAppTokenGuardedUserAuthorizationsRouter(deps: { authorizations: UserAuthorizations; appApiToken?: string }): Router {
  const router = Router();
  // Guarded per route: the router is mounted at the root, so a router-wide guard would also catch /api requests.
  const internalOnly = requireInternalCaller({ appApiToken: deps.appApiToken });

  // The path builder URL-encodes its argument, so the route parameter is appended to the empty-id path.
  router.get(`${AuthUserAuthorizationPaths.user('')}:id`, internalOnly, async (req, res) => {
    const id = String(req.params.id);
    const authorization: UserAuthorization | undefined = await deps.authorizations.authorizationOf(id);
    if (!authorization) throw new AppError('not_found', 'No such account');
    // Never cached anywhere: the answer is only worth asking for because it is current.
    res.set('Cache-Control', 'no-store').json(authorization);
  });

  return router;
}
