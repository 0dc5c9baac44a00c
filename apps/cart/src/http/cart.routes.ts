import { Router, type Request, type Response } from 'express';
import { authenticate, type TokenVerifier } from '@shop/auth-tokens';
import { addCartItemBodySchema, setCartItemQuantityBodySchema, setCartMarketBodySchema, type CartView } from '@shop/contracts';
import { parseOrThrow, preferredLanguage, requestMarket, type MarketSettings } from '@shop/platform';
import type { CartContext, CartOutcome, CartService } from '../domain/cart.service';
import { itemParamsSchema } from './cart.schemas';
import { CartIdHeader, clearCartIdCookie, resolveCartOwnerMergingGuestCart, sendCartId, type ResolvedCartOwner } from './cart-owner';

/** What the cart routes need. */
export interface CartRoutesDeps {
  service: CartService;
  verifier: TokenVerifier;
  /** The guest cookie lives as long as the guest cart. */
  guestCartTtlSeconds: number;
  /** The shop's markets: a new cart is priced in the request's market. */
  markets: MarketSettings;
}

/**
 * The cart API under `/api/cart`: read, add, set quantity, remove a line, clear, change market. Anyone may call it (a
 * guest cart needs no account); a bearer token, when sent, must be valid and selects the user's cart. Each handler
 * validates its input (the request's market included) before resolving the owner (which may merge a guest cart), so
 * a refused request writes nothing.
 */
export function createCartRouter(deps: CartRoutesDeps): Router {
  const { service } = deps;
  const router = Router();
  router.use(authenticate(deps.verifier, { optional: true }));

  /** Whose cart, in which market and language: the market is read first, so an unknown one is a 400 before any merge. */
  async function contextOf(req: Request, res: Response): Promise<ResolvedCartOwner & CartContext> {
    const market = requestMarket(req, deps.markets);
    return { ...(await resolveCartOwnerMergingGuestCart(service, req, res)), market, language: preferredLanguage(req) };
  }

  router.get('/', async (req, res) => {
    const context = await contextOf(req, res);
    send(req, res, context, await service.getCart(context));
  });

  router.delete('/', async (req, res) => {
    const context = await contextOf(req, res);
    const outcome = await service.clearCart(context);
    if (context.owner.kind === 'guest' && context.owner.cartId) clearCartIdCookie(req, res);
    send(req, res, context, outcome);
  });

  router.post('/items', async (req, res) => {
    const input = parseOrThrow(addCartItemBodySchema, req.body, 'body');
    const context = await contextOf(req, res);
    send(req, res, context, await service.addItem(context, input));
  });

  router.patch('/items/:productId', async (req, res) => {
    const { productId } = parseOrThrow(itemParamsSchema, req.params, 'params');
    const { quantity } = parseOrThrow(setCartItemQuantityBodySchema, req.body, 'body');
    const context = await contextOf(req, res);
    send(req, res, context, await service.setItemQuantity(context, productId, quantity));
  });

  router.delete('/items/:productId', async (req, res) => {
    const { productId } = parseOrThrow(itemParamsSchema, req.params, 'params');
    const context = await contextOf(req, res);
    send(req, res, context, await service.removeItem(context, productId));
  });

  router.put('/market', async (req, res) => {
    const { market } = parseOrThrow(setCartMarketBodySchema, req.body, 'body');
    const context = await contextOf(req, res);
    send(req, res, context, await service.changeMarket(context, market));
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
