import { Router } from 'express';
import { AppError } from '@shop/kernel';
import { AuthInternalPaths, verifyApiKeyBodySchema, type VerifiedApiKey } from '@shop/contracts';
import { parseOrThrow, requireInternalCaller } from '@shop/platform';
import type { ApiKeysService } from '../domain/api-keys.service';

/**
 * Service-to-service verification of a partner key under /internal/auth (catalog asks it, and caches the answer),
 * guarded by Dapr's app API token when one is configured and never routed by the gateway.
 */
export function createAppTokenGuardedApiKeyVerificationRouter(deps: { apiKeys: ApiKeysService; appApiToken?: string }): Router {
  const router = Router();
  const internalOnly = requireInternalCaller({ appApiToken: deps.appApiToken });

  router.post(AuthInternalPaths.verifyApiKey, internalOnly, async (req, res) => {
    const { key } = parseOrThrow(verifyApiKeyBodySchema, req.body, 'body');
    const verified: VerifiedApiKey | undefined = await deps.apiKeys.verify(key);
    // One answer for every reason a key opens nothing: the caller learns no more than that.
    if (!verified) throw new AppError('unauthorized', 'The API key is invalid');
    res.set('Cache-Control', 'no-store').json(verified);
  });

  return router;
}
