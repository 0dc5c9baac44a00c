import { Router } from 'express';
import { AuthInternalPaths, type AdminContactsReply, type UserContact } from '@shop/contracts';
import { parseOrThrow, requireInternalCaller } from '@shop/platform';
import type { AuthService } from '../domain/auth.service';
import { userIdParamsSchema } from './auth.schemas';

/**
 * Service-to-service reads under /internal/auth, guarded by Dapr's app API token when one is configured (and never
 * routed by the gateway): account contacts for notifications.
 */
export function createAppTokenGuardedUserContactsRouter(deps: { service: AuthService; appApiToken?: string }): Router {
  const router = Router();
  // Guarded per route: the router is mounted at the root, so a router-wide guard would also catch /api requests.
  const internalOnly = requireInternalCaller({ appApiToken: deps.appApiToken });

  router.get(AuthInternalPaths.admins, internalOnly, async (_req, res) => {
    const reply: AdminContactsReply = { items: await deps.service.listAdminContacts() };
    res.set('Cache-Control', 'no-store').json(reply);
  });

  // The path builder URL-encodes its argument, so the route parameter is appended to the empty-id path.
  router.get(`${AuthInternalPaths.user('')}:id`, internalOnly, async (req, res) => {
    const { id } = parseOrThrow(userIdParamsSchema, req.params, 'params');
    const reply: UserContact = await deps.service.getContact(id);
    res.set('Cache-Control', 'no-store').json(reply);
  });

  return router;
}
