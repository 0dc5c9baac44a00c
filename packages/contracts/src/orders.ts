import { z } from 'zod';
import { currencyCodeSchema, moneySchema } from './money';
import { outOfStockLineSchema } from './reservations';

// ---------------------------------------------------------------- the order

/** Every status an order can be in (the order service's state machine says which may follow which). */
export const OrderStatuses = ['pending', 'reserved', 'paid', 'confirmed', 'shipped', 'delivered', 'cancelled', 'payment_failed'] as const;

/** The status of an order. */
export const orderStatusSchema = z.enum(OrderStatuses).meta({ id: 'OrderStatus', description: 'Where an order is in its life: the checkout (pending, reserved, paid), then confirmed, shipped, delivered, or ended (cancelled, payment_failed)' });
/** The status of an order. */
export type OrderStatus = z.infer<typeof orderStatusSchema>;

const text = (max: number) => z.string().trim().min(1).max(max);

/** Where an order is shipped to; unknown keys are refused. */
export const shippingAddressSchema = z
  .strictObject({
    name: text(200),
    line1: text(200),
    line2: text(200).optional(),
    city: text(100),
    postalCode: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9 -]{1,10}[A-Za-z0-9]$/, 'a postal code of 3–12 letters, digits, spaces or dashes'),
    /** ISO 3166-1 alpha-2. */
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code in capitals, e.g. DE'),
    phone: z
      .string()
      .regex(/^\+?[0-9 ()-]{5,20}$/, 'a phone number of digits, spaces, (), - and an optional leading +')
      .optional(),
  })
  .meta({ id: 'OrderShippingAddress', description: 'Where an order is shipped to' });
/** Where an order is shipped to. */
export type ShippingAddress = z.infer<typeof shippingAddressSchema>;

/** What an order remembers of the payment method: never the token itself. */
export const storedPaymentMethodSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('simulated'), outcome: z.string() }),
    z.strictObject({ kind: z.literal('token'), last4: z.string() }),
  ])
  .meta({ id: 'OrderPaymentMethod', description: 'The simulated outcome asked for, or the last four characters of the payment token; never the token itself' });
/** What an order remembers of the payment method. */
export type StoredPaymentMethod = z.infer<typeof storedPaymentMethodSchema>;

/** One line of an order: a snapshot of the product and its price when the stock was reserved. */
export const orderLineSchema = z
  .strictObject({
    productId: z.string(),
    sku: z.string(),
    name: z.string(),
    unitPrice: moneySchema,
    quantity: z.number().int().min(1),
    lineTotal: moneySchema,
  })
  .meta({ id: 'OrderLine', description: 'A product and its price as reserved, with the line total' });
/** One line of an order. */
export type OrderLine = z.infer<typeof orderLineSchema>;

/** An order as the order API shows it (and as the order service keeps it). */
export const orderSchema = z
  .strictObject({
    id: z.uuid(),
    userId: z.string(),
    status: orderStatusSchema,
    currency: currencyCodeSchema,
    subtotal: moneySchema,
    total: moneySchema,
    lines: z.array(orderLineSchema),
    shippingAddress: shippingAddressSchema,
    paymentMethod: storedPaymentMethodSchema,
    paymentId: z.string().nullable(),
    /** Why a cancelled or payment_failed order ended (`out_of_stock`, `card_declined`, `customer_cancelled`...). */
    failureReason: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Order', description: 'An order with its line snapshot and totals in integer minor units' });
/** An order. */
export type Order = z.infer<typeof orderSchema>;

/** One status change of an order. */
export const orderStatusChangeSchema = z
  .strictObject({ from: orderStatusSchema.nullable(), to: orderStatusSchema, reason: z.string().nullable(), at: z.iso.datetime() })
  .meta({ id: 'OrderStatusChange', description: 'One transition of an order: from (null for the first), to, why and when' });
/** One status change of an order. */
export type OrderStatusChange = z.infer<typeof orderStatusChangeSchema>;

/** Response of GET /api/orders/{id}: the order with its status history, oldest first. */
export const orderWithHistorySchema = orderSchema
  .extend({ history: z.array(orderStatusChangeSchema) })
  .meta({ id: 'OrderWithHistory', description: 'An order with every status change it went through, oldest first' });
/** An order with its status history. */
export type OrderWithHistory = z.infer<typeof orderWithHistorySchema>;

/** Response of GET /api/orders and GET /api/orders/admin/orders: newest first, with the cursor of the next page. */
export const orderPageSchema = z
  .strictObject({ items: z.array(orderSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'OrderPage', description: 'A page of orders, newest first; nextCursor is null on the last page' });
/** A page of orders. */
export type OrderPage = z.infer<typeof orderPageSchema>;

// ---------------------------------------------------------------- checkout (POST /api/orders)

/** Body of POST /api/orders. Unknown keys are refused. */
export const placeOrderBodySchema = z
  .strictObject({
    shippingAddress: shippingAddressSchema,
    paymentToken: z.string().regex(/^[A-Za-z0-9_-]{4,200}$/, 'a payment method token'),
  })
  .meta({ id: 'PlaceOrderBody', description: 'The checkout of the caller\'s cart: where to ship, and the payment method token' });
/** Body of POST /api/orders. */
export type PlaceOrderBody = z.infer<typeof placeOrderBodySchema>;

/** The 202 answer of POST /api/orders: the order exists, its payment outcome is not known yet. */
export const checkoutProcessingSchema = z
  .strictObject({ orderId: z.uuid(), status: z.literal('processing'), detail: z.string() })
  .meta({ id: 'OrderCheckoutProcessing', description: 'The checkout goes on in the background; poll the order at the Location' });
/** The 202 answer of POST /api/orders. */
export type CheckoutProcessing = z.infer<typeof checkoutProcessingSchema>;

/** A line the catalog could not reserve (the `outOfStock` member of the checkout's 409 problem): catalog's reply, passed on. */
export const orderOutOfStockLineSchema = outOfStockLineSchema.meta({ id: 'OrderOutOfStockLine', description: 'A product with fewer units available than the order asked for' });
/** A line the catalog could not reserve. */
export type OrderOutOfStockLine = z.infer<typeof orderOutOfStockLineSchema>;

// ---------------------------------------------------------------- order lists

const limitSchema = z
  .string()
  .regex(/^\d{1,3}$/, { error: 'must be an integer from 1 to 100' })
  .transform(Number)
  .pipe(z.number().int().min(1).max(100))
  .default(20);
const cursorSchema = z.string().min(1).max(200).optional();

/** Query of GET /api/orders. Unknown keys are refused. */
export const listOrdersQuerySchema = z
  .strictObject({ limit: limitSchema, cursor: cursorSchema })
  .meta({ id: 'ListOrdersQuery', description: 'A page of the caller\'s orders: limit (1–100, default 20) and the opaque cursor of a previous page' });
/** Query of GET /api/orders, parsed. */
export type ListOrdersQuery = z.infer<typeof listOrdersQuerySchema>;

/** Query of GET /api/orders/admin/orders. Unknown keys are refused. */
export const adminOrdersQuerySchema = z
  .strictObject({
    status: orderStatusSchema.optional(),
    userId: z.string().min(1).max(200).optional(),
    /** On createdAt, ISO 8601 with an offset. */
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: limitSchema,
    cursor: cursorSchema,
  })
  .refine((query) => !query.from || !query.to || Date.parse(query.from) < Date.parse(query.to), { error: 'from must be before to', path: ['from'] })
  .meta({ id: 'AdminOrdersQuery', description: 'The admin\'s order search: by status, user and creation time (from included, to excluded), page by page' });
/** Query of GET /api/orders/admin/orders, parsed. */
export type AdminOrdersQuery = z.infer<typeof adminOrdersQuerySchema>;

// ---------------------------------------------------------------- daily report

/** The most days one read of stored reports may span (a quarter), both ends included. */
export const MAX_REPORT_RANGE_DAYS = 92;

/** Whether `value` is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** How many UTC days the range from `from` to `to` (calendar dates) covers, both included; 0 or less when `to` is before `from`. */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

const calendarDateSchema = z.string().refine(isCalendarDate, { error: 'must be a calendar date YYYY-MM-DD' });

/** Body of POST /internal/orders/reports/daily (the job's call). Unknown keys are refused. */
export const dailyReportBodySchema = z
  .strictObject({ date: calendarDateSchema })
  .meta({ id: 'DailyReportBody', description: 'The UTC day (YYYY-MM-DD) whose report to compute and store' });
/** Body of POST /internal/orders/reports/daily. */
export type DailyReportBody = z.infer<typeof dailyReportBodySchema>;

/**
 * Query of GET /api/orders/reports/daily: one day (`date`) or a range of days (`from` and `to`, both included, at most
 * MAX_REPORT_RANGE_DAYS), never both.
 */
export const dailyReportQuerySchema = z
  .strictObject({ date: calendarDateSchema.optional(), from: calendarDateSchema.optional(), to: calendarDateSchema.optional() })
  .transform(({ date, from, to }, context): { date: string } | { from: string; to: string } => {
    const invalid = (field: 'date' | 'from' | 'to', message: string) => {
      context.addIssue({ code: 'custom', path: [field], message, input: { date, from, to } });
      return z.NEVER;
    };
    if (date !== undefined) return from === undefined && to === undefined ? { date } : invalid('date', 'use either date, or from and to, not both');
    if (from === undefined && to === undefined) return invalid('date', 'required: a date YYYY-MM-DD, or from and to');
    if (from === undefined) return invalid('from', 'required with to');
    if (to === undefined) return invalid('to', 'required with from');
    const days = daysInRange(from, to);
    if (days < 1) return invalid('to', 'must not be before from');
    if (days > MAX_REPORT_RANGE_DAYS) return invalid('to', `the range may span at most ${MAX_REPORT_RANGE_DAYS} days, both ends included`);
    return { from, to };
  })
  .meta({ id: 'DailyReportQuery', description: `One UTC day (date), or a range of days (from and to, both included, at most ${MAX_REPORT_RANGE_DAYS} days)` });
/** Query of GET /api/orders/reports/daily, parsed. */
export type DailyReportQuery = z.infer<typeof dailyReportQuerySchema>;

/** A sum of money in one currency: integer minor units, never summed across currencies. */
const revenueSchema = z.strictObject({ amount: z.number().int().min(0), currency: currencyCodeSchema });

/** The stored sales and analytics report of one UTC day. */
export const dailyReportSchema = z
  .strictObject({
    date: z.string(),
    generatedAt: z.iso.datetime(),
    /** Orders placed that day that are confirmed, shipped or delivered. */
    orders: z.number().int().min(0),
    revenue: z.array(revenueSchema),
    byCategory: z.array(z.strictObject({ category: z.string(), path: z.string().nullable(), quantity: z.number().int(), revenue: z.array(revenueSchema) })),
    topProducts: z.array(z.strictObject({ productId: z.string(), sku: z.string(), name: z.string(), quantity: z.number().int(), revenue: z.array(revenueSchema) })),
    topViewed: z.array(z.strictObject({ productId: z.string(), sku: z.string(), views: z.number().int() })),
    topSearches: z.array(z.strictObject({ query: z.string(), searches: z.number().int() })),
  })
  .meta({ id: 'DailyReport', description: 'A UTC day\'s orders, revenue per currency, sales by category, top products, views and searches' });
/** The stored report of one UTC day. */
export type DailyReport = z.infer<typeof dailyReportSchema>;

/** Response of GET /api/orders/reports/daily with from and to: the stored reports of those days, oldest first. */
export const dailyReportListSchema = z
  .strictObject({ items: z.array(dailyReportSchema) })
  .meta({ id: 'DailyReportList', description: 'The stored reports of a range of days, oldest first; days without a report are absent' });
/** The stored reports of a range of days. */
export type DailyReportList = z.infer<typeof dailyReportListSchema>;

// ---------------------------------------------------------------- events (topic `orders`, subject = order id)

/** A line of an order event: which product, how many. */
const orderEventLineSchema = z.object({ productId: z.string().min(1), quantity: z.number().int().min(1) });

/**
 * Data of every order event. Consumers read what they need and ignore the rest (the schema keeps unknown members out,
 * it does not refuse them), so a new member never breaks a subscriber.
 */
export const orderEventDataSchema = z
  .object({
    orderId: z.string().min(1),
    userId: z.string().min(1),
    /** The order's status after the change the event reports. */
    status: orderStatusSchema,
    lines: z.array(orderEventLineSchema),
    total: moneySchema,
    /** Why an order was cancelled (order.cancelled only). */
    reason: z.string().optional(),
    /**
     * True: the checkout took the shopper's cart (every order of this release). The cart that holds it drops its hold
     * on order.confirmed; any other cart of the shopper (another region's) keeps its lines. Absent: an order of an
     * earlier release, which never took the cart (the cart then takes the ordered quantities out of its lines).
     */
    cartTaken: z.boolean().optional(),
  })
  .meta({ id: 'OrderEventData', description: 'Data of the order events: the order, its new status, its lines and total' });
/** Data of every order event. */
export type OrderEventData = z.infer<typeof orderEventDataSchema>;

/** Data of `order.placed`: the stock is reserved (status `reserved`). */
export const orderPlacedEventDataSchema = orderEventDataSchema.extend({ status: z.literal('reserved') }).meta({ id: 'OrderPlacedEventData', description: 'order.placed: the order\'s stock is reserved' });
/** Data of `order.confirmed`: paid and the stock sold (the cart takes the ordered units out). */
export const orderConfirmedEventDataSchema = orderEventDataSchema.extend({ status: z.literal('confirmed') }).meta({ id: 'OrderConfirmedEventData', description: 'order.confirmed: paid, and the stock sold' });
/** Data of `order.cancelled`: a placed order ended (`cancelled`, or `payment_failed` for a declined payment), with the reason. */
export const orderCancelledEventDataSchema = orderEventDataSchema
  .extend({ status: z.enum(['cancelled', 'payment_failed']) })
  .meta({ id: 'OrderCancelledEventData', description: 'order.cancelled: a placed order ended, with the reason' });
/** Data of `order.shipped`. */
export const orderShippedEventDataSchema = orderEventDataSchema.extend({ status: z.literal('shipped') }).meta({ id: 'OrderShippedEventData', description: 'order.shipped: the admin shipped the order' });
