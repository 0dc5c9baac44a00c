import { z } from 'zod';
import { reservationIdSchema } from '@shop/contracts';

// Path parameters: edge-only parsing (the contracts describe bodies, queries and answers).

/** Path parameters of the reservation commit and release routes. */
export const orderIdParamsSchema = z.object({ orderId: reservationIdSchema });

/** Path parameters of the routes of one sync run. */
export const runIdParamsSchema = z.strictObject({ runId: z.uuid() });
