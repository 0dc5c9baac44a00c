import { z } from 'zod';
import { cartProductIdSchema, startCartCheckoutBodySchema } from '@shop/contracts';

// The bodies are the contract's (addCartItemBodySchema, setCartItemQuantityBodySchema, startCartCheckoutBodySchema,
// releaseCartCheckoutBodySchema); only the paths are parsed here.

/** The `{productId}` path parameter. */
export const itemParamsSchema = z.object({ productId: cartProductIdSchema });

/**
 * The `{userId}` of the internal checkout routes: the user id as the access tokens carry it (the order service takes
 * it from the shopper's token).
 */
export const checkoutUserParamsSchema = z.object({ userId: z.string().min(1).max(200) });

/** The `{userId}` and `{orderId}` of a checkout's release. */
export const checkoutReleaseParamsSchema = checkoutUserParamsSchema.extend({ orderId: startCartCheckoutBodySchema.shape.orderId });
