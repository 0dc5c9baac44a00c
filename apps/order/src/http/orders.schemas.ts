import { z } from 'zod';

// The order API's bodies and queries are contracts (`@shop/contracts`, orders.ts); what stays here is edge-only
// parsing: a header and a path parameter.

/** The Idempotency-Key header: 8–128 of [A-Za-z0-9_-]. */
export const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, '8–128 characters of A-Z, a-z, 0-9, _ and -');

/** An order id in a path. */
export const orderIdParamsSchema = z.strictObject({ id: z.uuid({ error: 'an order id (UUID)' }) });
