import type { Request, RequestHandler, Response } from 'express';
import { AuthSessionCookie } from '@shop/contracts';
import { AppError } from '@shop/kernel';

/** How the refresh-token cookie is written: the settings that vary by deployment. */
export interface SessionCookieOptions {
  /** The Secure attribute (true everywhere but a plain-http development host other than localhost). */
  secure: boolean;
}

/**
 * The cookie's attributes: out of reach of page scripts (HttpOnly), never over plain http (Secure), never on a request
 * another site starts (SameSite=Strict), and sent only to the session routes (Path).
 */
function attributes(options: SessionCookieOptions) {
  return { httpOnly: true, secure: options.secure, sameSite: 'strict' as const, path: AuthSessionCookie.path };
}

/** Sets the refresh token as the session cookie, living as long as the token. */
export function setSessionCookie(res: Response, options: SessionCookieOptions, refreshToken: string, maxAgeSeconds: number): void {
  res.cookie(AuthSessionCookie.name, refreshToken, { ...attributes(options), maxAge: maxAgeSeconds * 1000 });
}

/** Expires the session cookie in the browser. */
export function clearSessionCookie(res: Response, options: SessionCookieOptions): void {
  res.clearCookie(AuthSessionCookie.name, attributes(options));
}

/** The refresh token of the request's session cookie; undefined when there is none (or it is empty). */
export function sessionCookieOf(req: Request): string | undefined {
  const header = req.header('cookie');
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== AuthSessionCookie.name) continue;
    const value = pair.slice(separator + 1).trim().replace(/^"(.*)"$/, '$1');
    // Refresh tokens are base64url, which needs no decoding; anything else is no token of ours.
    return /^[A-Za-z0-9_-]{1,512}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * Refuses (403) a request whose Origin header is missing or not one of the shop's origins. SameSite=Strict already
 * keeps other sites' requests from carrying the cookie; this also refuses same-site pages of other origins and
 * clients that send the cookie without saying where they come from.
 */
export function requireShopOrigin(shopOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(shopOrigins);
  return (req, _res, next) => {
    const origin = req.header('origin');
    if (!origin) return next(new AppError('forbidden', 'A session request must come from a page of the shop (no Origin header)'));
    if (!allowed.has(origin)) return next(new AppError('forbidden', 'A session request must come from a page of the shop (its Origin is not one of the shop\'s)'));
    next();
  };
}
