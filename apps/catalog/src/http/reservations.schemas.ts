import { z } from 'zod';
import { isUuid } from '../domain/product';

/** Limits of a reservation request (the contract the order service calls with). */
export const ReservationLimits = { maxLines: 100, maxQuantity: 1000, minTtlSeconds: 30, maxTtlSeconds: 86_400 } as const;

/** A UUID in any case, normalised to lower case (how ids are stored and compared). */
const uuid = z
  .string({ error: 'must be a UUID' })
  .refine(isUuid, { error: 'must be a UUID' })
  .transform((value) => value.toLowerCase());

const reservationLineSchema = z.strictObject({
  productId: uuid,
  quantity: z
    .number({ error: 'must be an integer' })
    .int({ error: 'must be an integer' })
    .min(1, { error: 'must be at least 1' })
    .max(ReservationLimits.maxQuantity, { error: `must be at most ${ReservationLimits.maxQuantity}` }),
});

/** Body of `POST /internal/catalog/reservations`; unknown keys are refused. */
export const reserveStockBodySchema = z.strictObject({
  orderId: uuid,
  lines: z
    .array(reservationLineSchema)
    .min(1, { error: 'must hold at least one line' })
    .max(ReservationLimits.maxLines, { error: `must hold at most ${ReservationLimits.maxLines} lines` })
    .refine((lines) => new Set(lines.map((line) => line.productId)).size === lines.length, { error: 'must not name a product twice' }),
  ttlSeconds: z
    .number({ error: 'must be an integer number of seconds' })
    .int({ error: 'must be an integer number of seconds' })
    .min(ReservationLimits.minTtlSeconds, { error: `must be at least ${ReservationLimits.minTtlSeconds}` })
    .max(ReservationLimits.maxTtlSeconds, { error: `must be at most ${ReservationLimits.maxTtlSeconds}` })
    .optional(),
});

/** Path parameters of the commit and release routes. */
export const reservationParamsSchema = z.object({ orderId: uuid });

/** Body of the commit, release and release-expired routes: nothing, or an empty object. */
export const emptyBodySchema = z.strictObject({}).optional();
