import type { Request, Response } from 'express';
import { principalOf } from '@shop/auth-tokens';
import type { CartMergeSkippedLine } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { isGuestCartId } from '../domain/guest-cart-id';
import type { CartService } from '../domain/cart.service';
import type { CartOwner } from '../domain/ports';

/** The request and response header that carries a guest cart id. */
export const CartIdHeader = 'X-Cart-Id';
/** The cookie that carries a guest cart id (browsers), read when the header is absent. */
export const CartIdCookie = 'cart_id';
/** The cookie is only sent to the cart's own API. */
const cookiePath = '/api/cart';

/** What the owner middleware found out about the request, for the route handlers. */
export interface ResolvedCartOwner {
  owner: CartOwner;
  /** Set when this request merged a guest cart into the signed-in user's cart. */
  merge?: { skipped: CartMergeSkippedLine[] };
}

/**
 * Decides whose cart the request works on, and writes when it has to: a valid bearer token (verified before) makes
 * it the user's cart, and a guest cart id (X-Cart-Id, else the cart_id cookie) arriving with it is merged into the
 * user's cart (a write to both carts) and forgotten. Without a token it is the guest cart of that id. A malformed id
 * is a 400 (a bad cookie is also expired, so the browser recovers). Route handlers call it after validating their
 * input, so a refused request writes nothing, not even a merge.
 */
export async function resolveCartOwnerMergingGuestCart(service: CartService, req: Request, res: Response): Promise<ResolvedCartOwner> {
  const guestCartId = guestCartIdOf(req, res);
  const principal = principalOf(res);
  if (!principal) return { owner: { kind: 'guest', cartId: guestCartId } };
  const resolved: ResolvedCartOwner = { owner: { kind: 'user', userId: principal.userId } };
  if (guestCartId) {
    const merge = await service.mergeGuestCart(principal.userId, guestCartId);
    if (merge) resolved.merge = merge;
    if (cookieValue(req.header('cookie'), CartIdCookie) !== undefined) clearCartIdCookie(req, res);
  }
  return resolved;
}

/** Hands a guest cart id out: in `X-Cart-Id` and as a cookie living as long as the cart. */
export function sendCartId(req: Request, res: Response, cartId: string, ttlSeconds: number): void {
  res.setHeader(CartIdHeader, cartId);
  res.cookie(CartIdCookie, cartId, { ...cookieOptions(req), maxAge: ttlSeconds * 1000 });
}

/** Expires the cart id cookie. */
export function clearCartIdCookie(req: Request, res: Response): void {
  res.clearCookie(CartIdCookie, cookieOptions(req));
}

function cookieOptions(req: Request) {
  // req.secure honours X-Forwarded-Proto from the trusted proxies in front (gateway, Application Gateway).
  return { httpOnly: true, sameSite: 'lax' as const, path: cookiePath, secure: req.secure };
}

function guestCartIdOf(req: Request, res: Response): string | undefined {
  const header = req.header(CartIdHeader);
  if (header !== undefined) {
    if (!isGuestCartId(header)) throw malformedCartId(CartIdHeader);
    return header;
  }
  const cookie = cookieValue(req.header('cookie'), CartIdCookie);
  if (cookie !== undefined && !isGuestCartId(cookie)) {
    clearCartIdCookie(req, res);
    throw malformedCartId(`the ${CartIdCookie} cookie`);
  }
  return cookie;
}

function malformedCartId(where: string): AppError {
  return new AppError('invalid', `The cart id in ${where} is malformed; use the id the cart API handed out, or none`, {
    fields: [{ field: where === CartIdHeader ? 'headers.x-cart-id' : `cookies.${CartIdCookie}`, message: 'must be a cart id handed out by the cart API' }],
  });
}

/** The first value of a cookie in a Cookie header (cart ids need no decoding: base64url only). */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0) continue;
    if (pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}
