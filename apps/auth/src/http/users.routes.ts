import { Router } from 'express';
import { authenticate, requireCurrentRole, requirePrincipal, requireRole, type TokenVerifier, type UserAuthorizations } from '@shop/auth-tokens';
import { listUsersQuerySchema, Roles, setRolesBodySchema, type AuthUserReply, type UserPage } from '@shop/contracts';
import { parseOrThrow } from '@shop/platform';
import type { AuthService } from '../domain/auth.service';
import { userIdParamsSchema } from './auth.schemas';

/** Account administration under /api/auth/users (admin only, except reading one's own account). */
export function usersRoutes(deps: { service: AuthService; verifier: TokenVerifier; authorizations: UserAuthorizations }): Router {
  const router = Router();
  router.use(authenticate(deps.verifier));

  router.get('/', requireRole(Roles.admin), async (req, res) => {
    const query = parseOrThrow(listUsersQuerySchema, req.query, 'query');
    const page = await deps.service.listUsers({ principal: requirePrincipal(res) }, { emailContains: query.email, limit: query.limit, offset: query.offset });
    const reply: UserPage = { ...page, limit: query.limit, offset: query.offset };
    res.set('Cache-Control', 'no-store').json(reply);
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseOrThrow(userIdParamsSchema, req.params, 'params');
    const reply: AuthUserReply = { user: await deps.service.getUser({ principal: requirePrincipal(res) }, id) };
    res.set('Cache-Control', 'no-store').json(reply);
  });

  // A role change is confirmed against the database, not the token: an admin demoted a minute ago cannot hand out admin.
  router.put('/:id/roles', requireCurrentRole(deps.authorizations, Roles.admin), async (req, res) => {
    const { id } = parseOrThrow(userIdParamsSchema, req.params, 'params');
    const { roles } = parseOrThrow(setRolesBodySchema, req.body, 'body');
    const reply: AuthUserReply = { user: await deps.service.setRoles({ principal: requirePrincipal(res) }, id, roles) };
    res.json(reply);
  });

  return router;
}
