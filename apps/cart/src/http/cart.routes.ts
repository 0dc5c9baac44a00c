import { Router, type Request, type Response } from 'express';
import { authenticate, type TokenVerifier } from '@shop/auth-tokens';
import { addCartItemBodySchema, setCartItemQuantityBodySchema, type CartView } from '@shop/contracts';
import { parseOrThrow } from '@shop/platform';
import type { CartOutcome, CartService } from '../domain/cart.service';
import { itemParamsSchema } from './cart.schemas';
import { CartIdHeader, clearCartIdCookie, resolveCartOwnerMergingGuestCart, sendCartId, type ResolvedCartOwner } from './cart-owner';

/** What the cart routes need. */
export interface CartRoutesDeps {
  service: CartService;
  verifier: TokenVerifier;
  /** The guest cookie lives as long as the guest cart. */
  guestCartTtlSeconds: number;
}

/**
 * The cart API under `/api/cart`: read, add, set quantity, remove a line, clear. Anyone may call it (a guest cart
 * needs no account); a bearer token, when sent, must be valid and selects the user's cart. Each handler validates
 * its input before resolving the owner (which may merge a guest cart), so a refused request writes nothing.
 */
export function createCartRouter(deps: CartRoutesDeps): Router {
  const { service } = deps;
  const router = Router();
  router.use(authenticate(deps.verifier, { optional: true }));

  router.get('/', async (req, res) => {
    const resolved = await resolveCartOwnerMergingGuestCart(service, req, res);
    send(req, res, resolved, await service.getCart(resolved));
  });

  router.delete('/', async (req, res) => {
    const resolved = await resolveCartOwnerMergingGuestCart(service, req, res);
    const outcome = await service.clearCart(resolved);
    if (resolved.owner.kind === 'guest' && resolved.owner.cartId) clearCartIdCookie(req, res);
    send(req, res, resolved, outcome);
  });

  router.post('/items', async (req, res) => {
    const input = parseOrThrow(addCartItemBodySchema, req.body, 'body');
    const resolved = await resolveCartOwnerMergingGuestCart(service, req, res);
    send(req, res, resolved, await service.addItem(resolved, input));
  });

  router.patch('/items/:productId', async (req, res) => {
    const { productId } = parseOrThrow(itemParamsSchema, req.params, 'params');
    const { quantity } = parseOrThrow(setCartItemQuantityBodySchema, req.body, 'body');
    const resolved = await resolveCartOwnerMergingGuestCart(service, req, res);
    send(req, res, resolved, await service.setItemQuantity(resolved, productId, quantity));
  });

  router.delete('/items/:productId', async (req, res) => {
    const { productId } = parseOrThrow(itemParamsSchema, req.params, 'params');
    const resolved = await resolveCartOwnerMergingGuestCart(service, req, res);
    send(req, res, resolved, await service.removeItem(resolved, productId));
  });

  /** Every answer is the whole cart with its version; a guest cart that was written gets its id (and a fresh cookie) back. */
  function send(req: Request, res: Response, resolved: ResolvedCartOwner, outcome: CartOutcome): void {
    if (outcome.writtenGuestCartId) sendCartId(req, res, outcome.writtenGuestCartId, deps.guestCartTtlSeconds);
    else if (outcome.view.cartId) res.setHeader(CartIdHeader, outcome.view.cartId);
    // Carts are personal: no shared cache may keep one.
    res.setHeader('Cache-Control', 'no-store');
    // The version of the lines, which a checkout takes the cart at. Weak: the body also carries catalog's current
    // prices and stock, which the version does not cover.
    res.setHeader('ETag', `W/"${outcome.version}"`);
    const merge = resolved.merge ? { mergedGuestCart: true as const, ...(resolved.merge.skipped.length > 0 ? { mergeSkippedLines: resolved.merge.skipped } : {}) } : {};
    const body: CartView = { ...outcome.view, ...merge };
    res.json(body);
  }

  return router;
}
