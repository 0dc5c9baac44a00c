import { z } from 'zod';

/** Most idle hours a reminder run may be asked for (30 days). */
// Activity buckets are kept 8 days and walked back 7 days (168 h): a longer idle time could never be found.
export const MAX_IDLE_HOURS = 167;

/** Idle hours before a signed-in cart counts as abandoned: a JSON integer, 1..167. */
export const idleHoursSchema = z
  .number({ error: 'must be a whole number of hours' })
  .int({ error: 'must be a whole number of hours' })
  .min(1, { error: 'must be at least 1' })
  .max(MAX_IDLE_HOURS, { error: `must be at most ${MAX_IDLE_HOURS}` });

/** Body of `POST /internal/cart/abandoned-carts/remind`: nothing, `{}`, or `{ idleHours }`. */
export const remindAbandonedCartsBodySchema = z.strictObject({ idleHours: idleHoursSchema.optional() }).optional();
