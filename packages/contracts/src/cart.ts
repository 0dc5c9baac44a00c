import { z } from 'zod';
import { marketIdSchema } from './markets';
import { currencyCodeSchema, moneySchema } from './money';
import { problemDocumentSchema } from './problem';

// The cart's public API (`/api/cart`), its internal abandoned-cart and checkout routes and its `cart.abandoned` event.

/**
 * The largest quantity a request may name at all. Above it the input is nonsense (400); between the configured
 * per-line cap (CART_MAX_LINE_QUANTITY) and this bound it is a well-formed request the cart refuses (422 with the cap).
 */
export const MAX_REQUESTED_CART_QUANTITY = 9999;

/**
 * Most idle hours an abandoned-cart run may be asked for (just under 7 days): the cart keeps its activity buckets
 * 8 days and walks back 7 days (168 h), so a longer idle time could never be found.
 */
export const MAX_ABANDONED_CART_IDLE_HOURS = 167;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A catalog product id (UUID) as the cart takes it, lower-cased so one product never gets two lines. */
export const cartProductIdSchema = z
  .string({ error: 'must be a product id (UUID)' })
  .regex(uuidPattern, { error: 'must be a product id (UUID)' })
  .transform((id) => id.toLowerCase());

/** A JSON integer: strings ("3"), fractions and absurd amounts are malformed input (400); the cart's limits are checked later (422). */
function requestedQuantitySchema(min: 0 | 1) {
  return z
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: min === 0 ? 'must not be negative' : 'must be at least 1' })
    .max(MAX_REQUESTED_CART_QUANTITY, { error: `must be at most ${MAX_REQUESTED_CART_QUANTITY}` });
}

/** Body of `POST /api/cart/items`. */
export const addCartItemBodySchema = z
  .strictObject({ productId: cartProductIdSchema, quantity: requestedQuantitySchema(1) })
  .meta({ id: 'AddCartItemBody', description: 'Units of an active product to add to the cart (to its line when it has one)' });
/** Body of `POST /api/cart/items`. */
export type AddCartItemBody = z.infer<typeof addCartItemBodySchema>;

/** Body of `PUT /api/cart/market`: the market the cart is priced in from now on. */
export const setCartMarketBodySchema = z
  .strictObject({ market: marketIdSchema })
  .meta({ id: 'SetCartMarketBody', description: 'The market (GET /api/catalog/markets) to price the cart in; every line is re-priced in its currency' });
/** Body of `PUT /api/cart/market`. */
export type SetCartMarketBody = z.infer<typeof setCartMarketBodySchema>;

/** Body of `PATCH /api/cart/items/{productId}`; 0 removes the line. */
export const setCartItemQuantityBodySchema = z
  .strictObject({ quantity: requestedQuantitySchema(0) })
  .meta({ id: 'SetCartItemQuantityBody', description: 'The new quantity of a line already in the cart; 0 removes it' });
/** Body of `PATCH /api/cart/items/{productId}`. */
export type SetCartItemQuantityBody = z.infer<typeof setCartItemQuantityBodySchema>;

/**
 * A sum of money in integer minor units that may exceed one price's bound (a line of many units, a cart's subtotal,
 * an abandoned cart's value): `{ amount, currency }`.
 */
export const cartAmountSchema = z
  .object({ amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), currency: currencyCodeSchema })
  .meta({ id: 'CartAmount', description: 'A sum in integer minor units of an ISO 4217 currency' });
/** A sum of money in integer minor units. */
export type CartAmount = z.infer<typeof cartAmountSchema>;

/** Why a line cannot be bought as it is: checkout will refuse it. */
export const cartAvailabilityIssueSchema = z
  .enum(['out_of_stock', 'insufficient_stock', 'unavailable'])
  .meta({ id: 'CartAvailabilityIssue', description: 'out_of_stock, insufficient_stock (fewer available than in the line), or unavailable (no longer sold, or re-priced in another currency)' });
/** Why a line cannot be bought as it is. */
export type CartAvailabilityIssue = z.infer<typeof cartAvailabilityIssueSchema>;

/** One line as the cart API shows it: the stored line enriched with catalog's current data, and its flags. */
export const cartLineSchema = z
  .object({
    productId: z.string(),
    /** Null when catalog no longer sells the product. */
    sku: z.string().nullable(),
    name: z.string().nullable(),
    imageUrl: z.string().nullable(),
    quantity: z.number().int().positive(),
    /** Catalog's current price; null when the line is unavailable. */
    unitPrice: moneySchema.nullable(),
    /** The price when the line was added. */
    priceAtAdd: moneySchema,
    /** The current price differs from the price when added (both are shown). */
    priceChanged: z.boolean(),
    /**
     * The line's price in the cart's previous market, when a market change re-priced it (until the line changes
     * again): the storefront shows the shopper what the change did.
     */
    repricedFrom: moneySchema.nullable().default(null),
    /** unitPrice × quantity; null when the line is unavailable. */
    lineTotal: cartAmountSchema.nullable(),
    availability: z.object({ available: z.number().int(), inStock: z.boolean() }).nullable(),
    availabilityIssue: cartAvailabilityIssueSchema.nullable(),
    addedAt: z.iso.datetime(),
  })
  .meta({ id: 'CartLine', description: 'A cart line with catalog’s current name, price and stock, and flags for a changed price or an availability issue' });
/** One line of the cart view. */
export type CartLine = z.infer<typeof cartLineSchema>;

/** A guest line that could not be carried into the user's cart at sign-in, and why. */
export const cartMergeSkippedLineSchema = z
  .object({ productId: z.string(), reason: z.enum(['currency_mismatch', 'too_many_lines']) })
  .meta({ id: 'CartMergeSkippedLine', description: 'A guest cart line left out of the merge: priced in another currency, or no room left' });
/** A guest line left out of a merge. */
export type CartMergeSkippedLine = z.infer<typeof cartMergeSkippedLineSchema>;

/** The cart as every `/api/cart` route answers it. */
export const cartViewSchema = z
  .object({
    /** The guest cart id (also in `X-Cart-Id`); null for a user's cart and for a guest without a cart yet. */
    cartId: z.string().nullable(),
    owner: z.enum(['guest', 'user']),
    /** The market the cart is priced in (its currency is the subtotal's); absent only in answers of a cart service older than markets. */
    market: marketIdSchema.optional(),
    lines: z.array(cartLineSchema),
    /** Units over all lines. */
    itemCount: z.number().int().min(0),
    /** Sum of the priced lines' totals; currency null while the cart is empty. */
    subtotal: z.object({ amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), currency: currencyCodeSchema.nullable() }),
    /** Some line is out of stock, short of stock or no longer sold: checkout will refuse it. */
    hasAvailabilityIssues: z.boolean(),
    createdAt: z.iso.datetime().nullable(),
    updatedAt: z.iso.datetime().nullable(),
    /** Present (true) on the one response whose request merged a guest cart into the user's cart. */
    mergedGuestCart: z.literal(true).optional(),
    /** With `mergedGuestCart`: guest lines that could not be carried over. */
    mergeSkippedLines: z.array(cartMergeSkippedLineSchema).optional(),
  })
  .meta({ id: 'Cart', description: 'A guest’s or a signed-in user’s cart, priced by catalog now' });
/** The cart as the API shows it. */
export type CartView = z.infer<typeof cartViewSchema>;

/** Idle hours before a signed-in cart counts as abandoned: a JSON integer, 1..MAX_ABANDONED_CART_IDLE_HOURS. */
export const abandonedCartIdleHoursSchema = z
  .number({ error: 'must be a whole number of hours' })
  .int({ error: 'must be a whole number of hours' })
  .min(1, { error: 'must be at least 1' })
  .max(MAX_ABANDONED_CART_IDLE_HOURS, { error: `must be at most ${MAX_ABANDONED_CART_IDLE_HOURS}` });

/** Body of `POST /internal/cart/abandoned-carts/remind` (the body may also be absent): `{}` or `{ idleHours }`. */
export const remindAbandonedCartsBodySchema = z
  .strictObject({ idleHours: abandonedCartIdleHoursSchema.optional() })
  .meta({ id: 'RemindAbandonedCartsBody', description: 'How long a signed-in cart must be idle to be reminded; default ABANDONED_CART_IDLE_HOURS' });
/** Body of the abandoned-cart reminder run. */
export type RemindAbandonedCartsBody = z.infer<typeof remindAbandonedCartsBodySchema>;

/** Reply of `POST /internal/cart/abandoned-carts/remind`. */
export const remindAbandonedCartsReplySchema = z
  .object({ reminded: z.number().int().min(0) })
  .meta({ id: 'RemindAbandonedCartsReply', description: 'How many cart.abandoned reminders this run published' });
/** Reply of the abandoned-cart reminder run. */
export type RemindAbandonedCartsReply = z.infer<typeof remindAbandonedCartsReplySchema>;

/** Data of `cart.abandoned` on the `carts` topic (subject: the user id). */
export const cartAbandonedDataSchema = z
  .object({
    userId: z.string().min(1),
    /** Units over all lines. */
    itemCount: z.number().int().positive(),
    /** At the prices when the lines were added (the batch job calls no catalog). */
    subtotal: cartAmountSchema,
    /** The cart's `updatedAt`: the reminder is for this version of the cart. */
    lastUpdatedAt: z.iso.datetime(),
  })
  .meta({ id: 'CartAbandonedEvent', description: 'A signed-in cart with lines was left unchanged for the configured idle time' });
/** Data of a `cart.abandoned` event. */
export type CartAbandonedData = z.infer<typeof cartAbandonedDataSchema>;

// ---------------------------------------------------------------- checkouts of a user's cart (internal, the order service)

/** A UUID in any case, lower-cased: an order id as the cart keeps it. */
const cartCheckoutOrderIdSchema = z
  .string({ error: 'must be an order id (UUID)' })
  .regex(uuidPattern, { error: 'must be an order id (UUID)' })
  .transform((id) => id.toLowerCase());

/**
 * Body of `POST /internal/cart/users/{userId}/checkouts`: the order takes the user's cart as it was at
 * `cartVersion` (the cart's ETag as `GET /api/cart` answered it, without `W/` and quotes).
 */
export const startCartCheckoutBodySchema = z
  .strictObject({
    orderId: cartCheckoutOrderIdSchema,
    cartVersion: z.string({ error: 'must be the version of the cart (its ETag)' }).min(1).max(128),
  })
  .meta({ id: 'StartCartCheckoutBody', description: 'The order that takes the cart, and the version of the cart it was priced from' });
/** Body of a checkout's take of the cart. */
export type StartCartCheckoutBody = z.infer<typeof startCartCheckoutBodySchema>;

/** A line a checkout took out of the cart. */
export const heldCartLineSchema = z.object({ productId: z.string(), quantity: z.number().int().positive() });
/** A line a checkout took out of the cart. */
export type HeldCartLine = z.infer<typeof heldCartLineSchema>;

/** Reply of `POST /internal/cart/users/{userId}/checkouts` (also to a repeated take by the same order). */
export const cartCheckoutSchema = z
  .object({
    orderId: z.string(),
    /** held: the lines wait with the order until it is confirmed or gives them back; completed: the order was confirmed. */
    status: z.enum(['held', 'completed']),
    /** The lines the order holds; empty once it completed. */
    lines: z.array(heldCartLineSchema),
  })
  .meta({ id: 'CartCheckout', description: 'The cart lines an order took: held until it is confirmed (completed) or gives them back' });
/** Reply of a checkout's take of the cart. */
export type CartCheckout = z.infer<typeof cartCheckoutSchema>;

/** Why the cart refused to be taken by an order (the `reason` member of the 409). */
export const cartCheckoutRefusalSchema = z
  .enum(['cart_changed', 'checkout_released'])
  .meta({ id: 'CartCheckoutRefusal', description: 'cart_changed: the cart is no longer at that version (changed by the shopper, or taken by another order); checkout_released: this order gave the cart back already' });
/** Why the cart refused to be taken. */
export type CartCheckoutRefusal = z.infer<typeof cartCheckoutRefusalSchema>;

/** The 409 problem of a take the cart refused: the order must not go on with the cart it read. */
export const cartCheckoutRefusedProblemSchema = problemDocumentSchema
  .extend({ orderId: z.string(), reason: cartCheckoutRefusalSchema })
  .meta({ id: 'CartCheckoutRefusedProblem', description: '409: the cart moved on (or the order released it); nothing was taken' });

/** Body of `POST /internal/cart/users/{userId}/checkouts/{orderId}/release`: nothing, or an empty object. */
export const releaseCartCheckoutBodySchema = z
  .strictObject({})
  .optional()
  .meta({ id: 'ReleaseCartCheckoutBody', description: 'No body, or an empty JSON object' });

/** Reply of `POST /internal/cart/users/{userId}/checkouts/{orderId}/release`. */
export const releaseCartCheckoutReplySchema = z
  .object({
    orderId: z.string(),
    /**
     * released: the held lines are back in the cart (now or by an earlier call); nothing_held: the order took nothing,
     * and a late take by it is refused from now on; completed: the order was confirmed, its lines stay with it.
     */
    status: z.enum(['released', 'nothing_held', 'completed']),
  })
  .meta({ id: 'ReleaseCartCheckoutReply', description: 'What the release of an order’s hold on the cart did' });
/** Reply of a checkout's release of the cart. */
export type ReleaseCartCheckoutReply = z.infer<typeof releaseCartCheckoutReplySchema>;
