import { z } from 'zod';
import { MAX_REQUESTED_QUANTITY } from '../domain/cart';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A catalog product id (UUID), lower-cased so one product never gets two lines. */
export const productIdSchema = z
  .string({ error: 'must be a product id (UUID)' })
  .regex(uuidPattern, { error: 'must be a product id (UUID)' })
  .transform((id) => id.toLowerCase());

/** A JSON integer: strings ("3"), fractions and absurd amounts are malformed input (400); limits are checked later (422). */
const quantity = (min: number) =>
  z
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: min === 0 ? 'must not be negative' : 'must be at least 1' })
    .max(MAX_REQUESTED_QUANTITY, { error: `must be at most ${MAX_REQUESTED_QUANTITY}` });

/** `POST /api/cart/items`. */
export const addItemBodySchema = z.strictObject({ productId: productIdSchema, quantity: quantity(1) });

/** `PATCH /api/cart/items/{productId}`; 0 removes the line. */
export const setQuantityBodySchema = z.strictObject({ quantity: quantity(0) });

/** The `{productId}` path parameter. */
export const itemParamsSchema = z.object({ productId: productIdSchema });
