import { Router } from 'express';
import { CartInternalPaths, remindAbandonedCartsBodySchema, type RemindAbandonedCartsReply } from '@shop/contracts';
import { parseOrThrow, requireInternalCaller } from '@shop/platform';
import type { AbandonedCartReminders } from '../domain/abandoned-cart-reminders';

/** The body may be absent altogether (a bare POST from the scheduler). */
const optionalRemindBodySchema = remindAbandonedCartsBodySchema.optional();

/** What the abandoned-cart route needs. */
export interface AbandonedCartsRoutesDeps {
  reminders: AbandonedCartReminders;
  /** Used when the body names no `idleHours` (ABANDONED_CART_IDLE_HOURS). */
  defaultIdleHours: number;
  /** When set, callers must present it in `dapr-api-token` (APP_API_TOKEN). */
  appApiToken?: string;
}

/**
 * The batch job's internal route, guarded by the app API token (mounted at the root, never routed by the gateway):
 * publishes `cart.abandoned` for the signed-in carts idle that long → `{ reminded }`.
 */
export function createAppTokenGuardedAbandonedCartsRouter(deps: AbandonedCartsRoutesDeps): Router {
  const router = Router();
  router.post(CartInternalPaths.remindAbandonedCarts, requireInternalCaller({ appApiToken: deps.appApiToken }), async (req, res) => {
    const body = parseOrThrow(optionalRemindBodySchema, req.body, 'body');
    const reply: RemindAbandonedCartsReply = await deps.reminders.remindAbandonedCarts({ idleHours: body?.idleHours ?? deps.defaultIdleHours });
    res.setHeader('Cache-Control', 'no-store');
    res.json(reply);
  });
  return router;
}
