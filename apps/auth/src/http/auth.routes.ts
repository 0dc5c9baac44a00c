import { Router, type Response } from 'express';
import { authenticate, requirePrincipal, type TokenVerifier } from '@shop/auth-tokens';
import {
  loginBodySchema,
  logoutBodySchema,
  refreshBodySchema,
  registerBodySchema,
  type AuthUserReply,
  type RegistrationAcceptedReply,
  type TokenResponse,
} from '@shop/contracts';
import { parseOrThrow } from '@shop/platform';
import type { AuthService } from '../domain/auth.service';

/** Token responses must never be cached by a browser or proxy (RFC 6749 §5.1). */
function noStore(res: Response): Response {
  return res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}

/** Registration, login, refresh, logout and the caller's own account, under /api/auth. */
export function authRoutes(deps: { service: AuthService; verifier: TokenVerifier }): Router {
  const router = Router();

  router.post('/register', async (req, res) => {
    const body = parseOrThrow(registerBodySchema, req.body, 'body');
    const accepted = await deps.service.register({ clientAddress: req.ip }, body);
    // 202 and no Location: the same answer for a free and a taken e-mail, so it cannot tell which addresses have accounts.
    const reply: RegistrationAcceptedReply = { status: 'accepted', email: accepted.email };
    noStore(res).status(202).json(reply);
  });

  router.post('/login', async (req, res) => {
    const body = parseOrThrow(loginBodySchema, req.body, 'body');
    const grant: TokenResponse = await deps.service.login({ clientAddress: req.ip }, body);
    noStore(res).json(grant);
  });

  router.post('/refresh', async (req, res) => {
    const { refreshToken } = parseOrThrow(refreshBodySchema, req.body, 'body');
    const grant: TokenResponse = await deps.service.refresh({ clientAddress: req.ip }, refreshToken);
    noStore(res).json(grant);
  });

  router.post('/logout', async (req, res) => {
    const { refreshToken } = parseOrThrow(logoutBodySchema, req.body, 'body');
    await deps.service.logout({ clientAddress: req.ip }, refreshToken);
    res.status(204).end();
  });

  router.get('/me', authenticate(deps.verifier), async (_req, res) => {
    const reply: AuthUserReply = { user: await deps.service.me({ principal: requirePrincipal(res) }) };
    res.set('Cache-Control', 'no-store').json(reply);
  });

  return router;
}
