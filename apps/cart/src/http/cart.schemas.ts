import { z } from 'zod';
import { cartProductIdSchema } from '@shop/contracts';

// The bodies are the contract's (addCartItemBodySchema, setCartItemQuantityBodySchema); only the path is parsed here.

/** The `{productId}` path parameter. */
export const itemParamsSchema = z.object({ productId: cartProductIdSchema });
