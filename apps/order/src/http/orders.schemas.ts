import { z } from 'zod';
import { OrderStatuses } from '../domain/order-status';

const text = (max: number) => z.string().trim().min(1).max(max);

/** Body of POST /api/orders. Unknown keys are refused. */
export const placeOrderBodySchema = z.strictObject({
  shippingAddress: z.strictObject({
    name: text(200),
    line1: text(200),
    line2: text(200).optional(),
    city: text(100),
    postalCode: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9 -]{1,10}[A-Za-z0-9]$/, 'a postal code of 3–12 letters, digits, spaces or dashes'),
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code in capitals, e.g. DE'),
    phone: z.string().regex(/^\+?[0-9 ()-]{5,20}$/, 'a phone number of digits, spaces, (), - and an optional leading +').optional(),
  }),
  paymentToken: z.string().regex(/^[A-Za-z0-9_-]{4,200}$/, 'a payment method token'),
});

/** The Idempotency-Key header: 8–128 of [A-Za-z0-9_-]. */
export const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, '8–128 characters of A-Z, a-z, 0-9, _ and -');

/** An order id in a path. */
export const orderIdParamsSchema = z.strictObject({ id: z.uuid({ error: 'an order id (UUID)' }) });

const limit = z
  .string()
  .regex(/^\d{1,3}$/, { error: 'must be an integer from 1 to 100' })
  .transform(Number)
  .pipe(z.number().int().min(1).max(100))
  .default(20);
const cursor = z.string().min(1).max(200).optional();

/** Query of GET /api/orders. */
export const listOrdersQuerySchema = z.strictObject({ limit, cursor });

/** Query of GET /api/orders/admin/orders. */
export const adminOrdersQuerySchema = z
  .strictObject({
    status: z.enum(OrderStatuses).optional(),
    userId: z.string().min(1).max(200).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit,
    cursor,
  })
  .refine((query) => !query.from || !query.to || Date.parse(query.from) < Date.parse(query.to), { error: 'from must be before to', path: ['from'] });
