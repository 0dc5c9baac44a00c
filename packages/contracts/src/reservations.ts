import { z } from 'zod';
import { isUuid } from './catalog';
import { currencyCodeSchema, moneySchema } from './money';
import { problemDocumentSchema } from './problem';

// Catalog's internal stock-reservation API (CatalogInternalPaths.reservations and the routes below it), which the
// order service calls through service invocation. Never routed by the gateway.

/** Limits of a reservation request. */
export const ReservationLimits = { maxLines: 100, maxQuantity: 1000, minTtlSeconds: 30, maxTtlSeconds: 86_400 } as const;

/** A UUID in any case, normalised to lower case (how ids are stored and compared). */
export const reservationIdSchema = z
  .string({ error: 'must be a UUID' })
  .refine(isUuid, { error: 'must be a UUID' })
  .transform((value) => value.toLowerCase());

/** One line of a reservation request: units of one product. */
export const requestedLineSchema = z.strictObject({
  productId: reservationIdSchema,
  quantity: z
    .number({ error: 'must be an integer' })
    .int({ error: 'must be an integer' })
    .min(1, { error: 'must be at least 1' })
    .max(ReservationLimits.maxQuantity, { error: `must be at most ${ReservationLimits.maxQuantity}` }),
});
/** One line of a reservation request. */
export type RequestedLine = z.infer<typeof requestedLineSchema>;

/** Body of `POST /internal/catalog/reservations`: every line or none, for `ttlSeconds` (default from catalog's configuration). */
export const reserveStockBodySchema = z
  .strictObject({
    orderId: reservationIdSchema,
    lines: z
      .array(requestedLineSchema)
      .min(1, { error: 'must hold at least one line' })
      .max(ReservationLimits.maxLines, { error: `must hold at most ${ReservationLimits.maxLines} lines` })
      .refine((lines) => new Set(lines.map((line) => line.productId)).size === lines.length, { error: 'must not name a product twice' }),
    ttlSeconds: z
      .number({ error: 'must be an integer number of seconds' })
      .int({ error: 'must be an integer number of seconds' })
      .min(ReservationLimits.minTtlSeconds, { error: `must be at least ${ReservationLimits.minTtlSeconds}` })
      .max(ReservationLimits.maxTtlSeconds, { error: `must be at most ${ReservationLimits.maxTtlSeconds}` })
      .optional(),
    currency: currencyCodeSchema
      .optional()
      .meta({ description: "The order's currency (its cart's market): each line is priced from the product's price list in it; absent, at the product's own price" }),
  })
  .meta({ id: 'ReserveStockRequest', description: 'Units to hold for an order: every line or none; idempotent per order id' });
/** A reservation request (ids lower-cased). */
export type ReserveStockRequest = z.infer<typeof reserveStockBodySchema>;

/** Body of the commit, release and release-expired routes: nothing, or an empty object. */
export const reservationActionBodySchema = z
  .strictObject({})
  .optional()
  .meta({ id: 'ReservationActionBody', description: 'No body, or an empty JSON object' });

/**
 * Lifecycle of an order's reservation: `reserved` (units held until `expiresAt`) → `committed` (sold: on hand
 * decreased) or `released` (given back by the order, or expired); a committed sale given back is `returned`.
 */
export const reservationStatuses = ['reserved', 'committed', 'released', 'returned'] as const;
/** Lifecycle of an order's reservation. */
export type ReservationStatus = (typeof reservationStatuses)[number];

/** A reserved line with the price snapshot the order is priced with. */
export const reservationLineSchema = z.object({
  productId: z.string(),
  sku: z.string(),
  name: z.string(),
  unitPrice: moneySchema,
  quantity: z.number().int().min(1),
});
/** A reserved line with its price snapshot. */
export type ReservationLine = z.infer<typeof reservationLineSchema>;

/** A reservation; `none` (no lines, no expiry) answers the release of an order that never reserved anything. */
export const reservationViewSchema = z
  .object({
    orderId: z.string(),
    status: z.enum([...reservationStatuses, 'none']),
    expiresAt: z.iso.datetime().nullable(),
    lines: z.array(reservationLineSchema).meta({ description: 'In productId order' }),
  })
  .meta({ id: 'Reservation', description: "An order's stock reservation with the price snapshot of its lines" });
/** A reservation as the API answers it. */
export type ReservationView = z.infer<typeof reservationViewSchema>;

/** A line that could not be reserved, with what is available now. */
export const outOfStockLineSchema = z.object({ productId: z.string(), requested: z.number().int().min(1), available: z.number().int().min(0) });
/** A line that could not be reserved. */
export type OutOfStockLine = z.infer<typeof outOfStockLineSchema>;

/** The problem members of a 409 to a reserve: too little stock; nothing was reserved. */
export const outOfStockExtensionSchema = z.object({ outOfStock: z.array(outOfStockLineSchema) });
/** The problem members of a 409 to a reserve: too little stock. */
export type OutOfStockExtension = z.infer<typeof outOfStockExtensionSchema>;

/** The problem members of a 422 to a reserve: products that are unknown or not on sale. */
export const unavailableProductsExtensionSchema = z.object({ unavailable: z.array(z.string()) });
/** The problem members of a 422 to a reserve: unknown or inactive products. */
export type UnavailableProductsExtension = z.infer<typeof unavailableProductsExtensionSchema>;

/**
 * The problem members of a 409 to a reserve or a commit: the order's units are no longer held (released, expired or
 * given back). Named `reservationStatus`: a problem document's own `status` is the HTTP status (RFC 9457).
 */
export const reservationReleasedExtensionSchema = z.object({ orderId: z.string(), reservationStatus: z.enum(['released', 'returned']) });
/** The problem members of a 409 to a reserve or a commit: the units are no longer held. */
export type ReservationReleasedExtension = z.infer<typeof reservationReleasedExtensionSchema>;

/** The problem members of a 422 to a reserve: the order id already holds a reservation of other lines. */
export const otherLinesReservedExtensionSchema = z.object({ orderId: z.string(), reservation: reservationViewSchema });
/** The problem members of a 422 to a reserve: the order reserved other lines before. */
export type OtherLinesReservedExtension = z.infer<typeof otherLinesReservedExtensionSchema>;

/** The problem document of each refusal of a reserve or a commit. */
export const ReservationProblems = {
  outOfStock: problemDocumentSchema.extend(outOfStockExtensionSchema.shape).meta({ id: 'ReservationOutOfStockProblem', description: '409: too little stock of some lines; nothing was reserved' }),
  unavailable: problemDocumentSchema
    .extend(unavailableProductsExtensionSchema.shape)
    .meta({ id: 'ReservationUnavailableProblem', description: '422: some products are unknown or not on sale' }),
  released: problemDocumentSchema
    .extend(reservationReleasedExtensionSchema.shape)
    .meta({ id: 'ReservationReleasedProblem', description: "409: the order's units are no longer held" }),
  otherLines: problemDocumentSchema
    .extend(otherLinesReservedExtensionSchema.shape)
    .meta({ id: 'ReservationOtherLinesProblem', description: '422: the order id already reserved other lines' }),
} as const;

/**
 * What catalog answers a reserve with, told apart by HTTP status and shape: the reservation (201 made now, 200 made
 * by an earlier identical request), or one of its refusals.
 */
export type ReserveStockReply =
  | { kind: 'reserved'; created: boolean; reservation: ReservationView }
  | { kind: 'out_of_stock'; outOfStock: OutOfStockLine[] }
  | { kind: 'unavailable'; unavailable: string[] }
  | { kind: 'released'; reservationStatus: ReservationReleasedExtension['reservationStatus'] }
  | { kind: 'other_lines'; reservation: ReservationView };

/** Reads catalog's answer to a reserve with the schemas above; undefined when it is none of them (treat as unavailable). */
export function reserveStockReplyOf(httpStatus: number, body: unknown): ReserveStockReply | undefined {
  if (httpStatus === 200 || httpStatus === 201) {
    const reservation = reservationViewSchema.safeParse(body);
    return reservation.success ? { kind: 'reserved', created: httpStatus === 201, reservation: reservation.data } : undefined;
  }
  if (httpStatus === 409) {
    const outOfStock = ReservationProblems.outOfStock.safeParse(body);
    if (outOfStock.success) return { kind: 'out_of_stock', outOfStock: outOfStock.data.outOfStock };
    const released = ReservationProblems.released.safeParse(body);
    if (released.success) return { kind: 'released', reservationStatus: released.data.reservationStatus };
  }
  if (httpStatus === 422) {
    const unavailable = ReservationProblems.unavailable.safeParse(body);
    if (unavailable.success) return { kind: 'unavailable', unavailable: unavailable.data.unavailable };
    const otherLines = ReservationProblems.otherLines.safeParse(body);
    if (otherLines.success) return { kind: 'other_lines', reservation: otherLines.data.reservation };
  }
  return undefined;
}

/**
 * What catalog answers a commit with: the committed reservation (200), or (409) that its units are no longer held.
 * Unknown order → 404.
 */
export type CommitReservationReply = { kind: 'committed'; reservation: ReservationView } | { kind: 'released'; reservationStatus: ReservationReleasedExtension['reservationStatus'] };

/** Reads catalog's answer to a commit; undefined when it is neither. */
export function commitReservationReplyOf(httpStatus: number, body: unknown): CommitReservationReply | undefined {
  if (httpStatus === 200) {
    const reservation = reservationViewSchema.safeParse(body);
    return reservation.success ? { kind: 'committed', reservation: reservation.data } : undefined;
  }
  if (httpStatus === 409) {
    const released = ReservationProblems.released.safeParse(body);
    if (released.success) return { kind: 'released', reservationStatus: released.data.reservationStatus };
  }
  return undefined;
}

/** Answer of a release (always 200): the reservation as it is now, `none` when the order never reserved anything. */
export const releaseReservationReplySchema = reservationViewSchema;

/** Answer of `POST /internal/catalog/reservations/release-expired`. */
export const releaseExpiredReservationsReplySchema = z
  .object({ released: z.number().int().min(0).meta({ description: 'Orders whose reservations this call released' }) })
  .meta({ id: 'ReleaseExpiredReservationsReply', description: 'How many expired reservations were released' });
/** Answer of release-expired. */
export type ReleaseExpiredReservationsReply = z.infer<typeof releaseExpiredReservationsReplySchema>;
