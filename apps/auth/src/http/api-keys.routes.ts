import { Router } from 'express';
import { authenticate, requireCurrentRole, requirePrincipal, requireRole, type TokenVerifier, type UserAuthorizations } from '@shop/auth-tokens';
import { createApiKeyBodySchema, Roles, type ApiKeyList } from '@shop/contracts';
import { parseOrThrow } from '@shop/platform';
import type { ApiKeysService } from '../domain/api-keys.service';
import { apiKeyIdParamsSchema } from './auth.schemas';

/** Where admins manage partner keys (RoutePrefixes routes it to auth). */
export const apiKeysBasePath = '/api/admin/api-keys';

/**
 * Partner key administration, admins only. Issuing, rotating and revoking check the admin role against the database,
 * not the token: an admin demoted a minute ago cannot open the partner API to anyone.
 */
export function apiKeysRoutes(deps: { apiKeys: ApiKeysService; verifier: TokenVerifier; authorizations: UserAuthorizations }): Router {
  const router = Router();
  router.use(authenticate(deps.verifier));
  const currentAdmin = requireCurrentRole(deps.authorizations, Roles.admin);

  router.get('/', requireRole(Roles.admin), async (_req, res) => {
    const reply: ApiKeyList = { items: await deps.apiKeys.list() };
    res.set('Cache-Control', 'no-store').json(reply);
  });

  router.post('/', currentAdmin, async (req, res) => {
    const body = parseOrThrow(createApiKeyBodySchema, req.body, 'body');
    const issued = await deps.apiKeys.issue({ userId: requirePrincipal(res).userId }, body);
    res.status(201).set('Cache-Control', 'no-store').location(`${apiKeysBasePath}/${issued.id}`).json(issued);
  });

  router.post('/:id/rotate', currentAdmin, async (req, res) => {
    const { id } = parseOrThrow(apiKeyIdParamsSchema, req.params, 'params');
    const issued = await deps.apiKeys.rotate({ userId: requirePrincipal(res).userId }, id);
    res.status(201).set('Cache-Control', 'no-store').json(issued);
  });

  router.delete('/:id', currentAdmin, async (req, res) => {
    const { id } = parseOrThrow(apiKeyIdParamsSchema, req.params, 'params');
    await deps.apiKeys.revoke({ userId: requirePrincipal(res).userId }, id);
    res.status(204).end();
  });

  return router;
}
