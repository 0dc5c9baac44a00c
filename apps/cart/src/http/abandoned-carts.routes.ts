import { Router } from 'express';
import { CartInternalPaths } from '@shop/contracts';
import { parseOrThrow, requireInternalCaller } from '@shop/platform';
import type { AbandonedCartReminders } from '../domain/abandoned-cart-reminders';
import { remindAbandonedCartsBodySchema } from './abandoned-carts.schemas';

/** What the abandoned-cart route needs. */
export interface AbandonedCartsRoutesDeps {
  reminders: AbandonedCartReminders;
  /** Used when the body names no `idleHours` (ABANDONED_CART_IDLE_HOURS). */
  defaultIdleHours: number;
  /** When set, callers must present it in `dapr-api-token` (APP_API_TOKEN). */
  appApiToken?: string;
}

/**
 * The batch job's internal route (mounted at the root, never routed by the gateway): publishes `cart.abandoned` for
 * the signed-in carts idle that long → `{ reminded }`.
 */
export function createAbandonedCartsRouter(deps: AbandonedCartsRoutesDeps): Router {
  const router = Router();
  router.post(CartInternalPaths.remindAbandonedCarts, requireInternalCaller({ appApiToken: deps.appApiToken }), async (req, res) => {
    const body = parseOrThrow(remindAbandonedCartsBodySchema, req.body, 'body');
    const result = await deps.reminders.remindAbandonedCarts({ idleHours: body?.idleHours ?? deps.defaultIdleHours });
    res.setHeader('Cache-Control', 'no-store');
    res.json(result);
  });
  return router;
}
