import { Router, type Response } from 'express';
import { authenticate, requirePrincipal, type TokenVerifier } from '@shop/auth-tokens';
import {
  emailVerificationConfirmBodySchema,
  loginBodySchema,
  passwordResetConfirmBodySchema,
  passwordResetRequestBodySchema,
  registerBodySchema,
  sessionCookieBodySchema,
  type AcceptedReply,
  type AuthUserReply,
  type RegistrationAcceptedReply,
  type TokenResponse,
} from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { parseOrThrow } from '@shop/platform';
import type { AuthService, SessionGrant } from '../domain/auth.service';
import { clearSessionCookie, requireShopOrigin, sessionCookieOf, setSessionCookie, type SessionCookieOptions } from './session-cookie';

/** Token responses must never be cached by a browser or proxy (RFC 6749 §5.1). */
function noStore(res: Response): Response {
  return res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}

/** What the public auth routes need. */
export interface AuthRoutesDeps {
  service: AuthService;
  verifier: TokenVerifier;
  /** The shop's origins: only their pages may refresh or end a session with the cookie. */
  shopOrigins: readonly string[];
  sessionCookie: SessionCookieOptions;
}

/**
 * Registration, login, the cookie session (refresh, logout, sign out everywhere), password reset, e-mail verification
 * and the caller's own account, under /api/auth.
 */
export function authRoutes(deps: AuthRoutesDeps): Router {
  const router = Router();
  const fromShop = requireShopOrigin(deps.shopOrigins);
  const accepted: AcceptedReply = { status: 'accepted' };

  /** The grant's body, and its refresh token as the session cookie. */
  const sendGrant = (res: Response, grant: SessionGrant) => {
    setSessionCookie(res, deps.sessionCookie, grant.refreshToken, grant.refreshTokenTtlSeconds);
    const reply: TokenResponse = grant.reply;
    noStore(res).json(reply);
  };

  router.post('/register', async (req, res) => {
    const body = parseOrThrow(registerBodySchema, req.body, 'body');
    const registered = await deps.service.register({ clientAddress: req.ip }, body);
    // 202 and no Location: the same answer for a free and a taken e-mail, so it cannot tell which addresses have accounts.
    const reply: RegistrationAcceptedReply = { status: 'accepted', email: registered.email };
    noStore(res).status(202).json(reply);
  });

  router.post('/login', async (req, res) => {
    const body = parseOrThrow(loginBodySchema, req.body, 'body');
    sendGrant(res, await deps.service.login({ clientAddress: req.ip }, body));
  });

  router.post('/session/refresh', fromShop, async (req, res) => {
    parseOrThrow(sessionCookieBodySchema, req.body, 'body');
    const refreshToken = sessionCookieOf(req);
    try {
      if (!refreshToken) throw new AppError('unauthorized', 'No session: sign in');
      sendGrant(res, await deps.service.refresh({ clientAddress: req.ip }, refreshToken));
    } catch (error) {
      // A cookie that opens nothing is dropped, so the browser stops sending it.
      if (error instanceof AppError && error.type === 'unauthorized') clearSessionCookie(noStore(res), deps.sessionCookie);
      throw error;
    }
  });

  router.post('/session/logout', fromShop, async (req, res) => {
    parseOrThrow(sessionCookieBodySchema, req.body, 'body');
    const refreshToken = sessionCookieOf(req);
    if (refreshToken) await deps.service.logout({ clientAddress: req.ip }, refreshToken);
    clearSessionCookie(res, deps.sessionCookie);
    res.status(204).end();
  });

  router.post('/sessions/revoke-all', authenticate(deps.verifier), async (_req, res) => {
    await deps.service.revokeAllSessions({ principal: requirePrincipal(res) });
    clearSessionCookie(res, deps.sessionCookie);
    res.status(204).end();
  });

  router.post('/password-reset', async (req, res) => {
    const body = parseOrThrow(passwordResetRequestBodySchema, req.body, 'body');
    await deps.service.requestPasswordReset({ clientAddress: req.ip }, body);
    noStore(res).status(202).json(accepted);
  });

  router.post('/password-reset/confirm', async (req, res) => {
    const body = parseOrThrow(passwordResetConfirmBodySchema, req.body, 'body');
    await deps.service.confirmPasswordReset({ clientAddress: req.ip }, body);
    // Every session of the account has just ended, this browser's included.
    clearSessionCookie(res, deps.sessionCookie);
    res.status(204).end();
  });

  router.post('/email-verification', authenticate(deps.verifier), async (_req, res) => {
    await deps.service.requestEmailVerification({ principal: requirePrincipal(res) });
    noStore(res).status(202).json(accepted);
  });

  router.post('/email-verification/confirm', async (req, res) => {
    const body = parseOrThrow(emailVerificationConfirmBodySchema, req.body, 'body');
    const reply: AuthUserReply = { user: await deps.service.confirmEmailVerification({ clientAddress: req.ip }, body) };
    noStore(res).json(reply);
  });

  router.get('/me', authenticate(deps.verifier), async (_req, res) => {
    const reply: AuthUserReply = { user: await deps.service.me({ principal: requirePrincipal(res) }) };
    res.set('Cache-Control', 'no-store').json(reply);
  });

  return router;
}
