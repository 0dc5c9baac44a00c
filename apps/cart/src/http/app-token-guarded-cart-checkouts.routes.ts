import { Router } from 'express';
import { releaseCartCheckoutBodySchema, startCartCheckoutBodySchema, type CartCheckout, type ReleaseCartCheckoutReply } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { parseOrThrow, requireInternalCaller } from '@shop/platform';
import type { CartService } from '../domain/cart.service';
import { checkoutReleaseParamsSchema, checkoutUserParamsSchema } from './cart.schemas';

/** What the checkout routes need. */
export interface CartCheckoutsRoutesDeps {
  service: CartService;
  /** When set, callers must present it in `dapr-api-token` (APP_API_TOKEN). */
  appApiToken?: string;
}

// Express patterns of CartInternalPaths.checkouts and CartInternalPaths.releaseCheckout.
const checkoutsPath = '/internal/cart/users/:userId/checkouts';
const releasePath = `${checkoutsPath}/:orderId/release`;

/**
 * The order service's internal routes on a user's cart, guarded by the app API token (mounted at the root, never
 * routed by the gateway): a checkout takes the cart at the version its order was priced from (409 when the cart moved
 * on), and gives it back when the order does not go through.
 */
export function createAppTokenGuardedCartCheckoutsRouter(deps: CartCheckoutsRoutesDeps): Router {
  const router = Router();
  const internalOnly = requireInternalCaller({ appApiToken: deps.appApiToken });

  router.post(checkoutsPath, internalOnly, async (req, res) => {
    const { userId } = parseOrThrow(checkoutUserParamsSchema, req.params, 'params');
    const body = parseOrThrow(startCartCheckoutBodySchema, req.body, 'body');
    const taking = await deps.service.startCheckout(userId, body);
    res.setHeader('Cache-Control', 'no-store');
    if (taking.kind === 'refused') {
      const detail =
        taking.reason === 'cart_changed'
          ? 'The cart is no longer at the version the order was priced from (the shopper changed it, or another order took it)'
          : 'This order gave the cart back already; it cannot take it any more';
      throw new AppError('conflict', detail, { extensions: { orderId: body.orderId, reason: taking.reason } });
    }
    const reply: CartCheckout =
      taking.kind === 'held'
        ? { orderId: body.orderId, status: 'held', lines: taking.hold.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })) }
        : { orderId: body.orderId, status: 'completed', lines: [] };
    res.json(reply);
  });

  router.post(releasePath, internalOnly, async (req, res) => {
    const { userId, orderId } = parseOrThrow(checkoutReleaseParamsSchema, req.params, 'params');
    parseOrThrow(releaseCartCheckoutBodySchema, req.body, 'body');
    const reply: ReleaseCartCheckoutReply = { orderId, status: await deps.service.releaseCheckout(userId, orderId) };
    res.setHeader('Cache-Control', 'no-store');
    res.json(reply);
  });

  return router;
}
