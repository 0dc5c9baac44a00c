import { EventTypes, type Money } from '@shop/contracts';

/**
 * Lifecycle of an order's reservation: `reserved` (units held until `expiresAt`) → `committed` (sold: on hand
 * decreased) or `released` (given back: released by the order, or expired); a committed sale given back is `returned`.
 */
export type ReservationStatus = 'reserved' | 'committed' | 'released' | 'returned';

/** Why units went back to stock, as `inventory.released` says. */
export type ReleaseReason = 'released' | 'expired' | 'returned';

/** One line of a reservation request. */
export interface RequestedLine {
  productId: string;
  quantity: number;
}

/** What the order service asks for: every line or none, for `ttlSeconds` (default from the configuration). */
export interface ReserveStockRequest {
  orderId: string;
  lines: RequestedLine[];
  ttlSeconds?: number;
}

/** A reserved line with the price snapshot the order is priced with. */
export interface ReservationLine {
  productId: string;
  sku: string;
  name: string;
  unitPrice: Money;
  quantity: number;
}

/** An order's reservation; lines are in productId order (the order rows are locked in). */
export interface Reservation {
  orderId: string;
  status: ReservationStatus;
  expiresAt: Date;
  lines: ReservationLine[];
}

/** The wire representation of a reservation; `none` (no lines, no expiry) answers the release of an unknown order. */
export interface ReservationView {
  orderId: string;
  status: ReservationStatus | 'none';
  expiresAt: string | null;
  lines: ReservationLine[];
}

/** Data of `inventory.reserved` (subject: the order id). */
export interface InventoryReservedData {
  orderId: string;
  lines: RequestedLine[];
  expiresAt: string;
}

/** Data of `inventory.released` (subject: the order id). */
export interface InventoryReleasedData {
  orderId: string;
  lines: RequestedLine[];
  reason: ReleaseReason;
}

/** Data of `inventory.low` (subject: the product id). */
export interface InventoryLowData {
  productId: string;
  sku: string;
  available: number;
  threshold: number;
}

/** Inventory event types this service publishes on `Topics.inventory`. */
export const InventoryEventTypes = {
  reserved: EventTypes.inventoryReserved,
  released: EventTypes.inventoryReleased,
  low: EventTypes.inventoryLow,
} as const;

/** Renders a reservation for the API. */
export function toReservationView(reservation: Reservation): ReservationView {
  return {
    orderId: reservation.orderId,
    status: reservation.status,
    expiresAt: reservation.expiresAt.toISOString(),
    lines: reservation.lines.map((line) => ({ ...line, unitPrice: { ...line.unitPrice } })),
  };
}

/** The answer to releasing an order that never reserved anything. */
export function noReservationView(orderId: string): ReservationView {
  return { orderId, status: 'none', expiresAt: null, lines: [] };
}

/** Lines sorted by productId: every transaction takes inventory rows in this order, so none waits for another in a cycle. */
export function inLockOrder<L extends { productId: string }>(lines: readonly L[]): L[] {
  return [...lines].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}

/** True when a reservation holds exactly these products and quantities (a retry of the same request). */
export function holdsSameLines(reservation: Reservation, requested: readonly RequestedLine[]): boolean {
  if (reservation.lines.length !== requested.length) return false;
  const quantities = new Map(requested.map((line) => [line.productId, line.quantity]));
  return reservation.lines.every((line) => quantities.get(line.productId) === line.quantity);
}

/**
 * True when taking `quantity` units moved availability from above `threshold` to at or below it: the low-stock
 * alert fires once, on the crossing, not on every reservation while stock stays low.
 */
export function crossedLowStock(availableAfter: number, quantity: number, threshold: number): boolean {
  return availableAfter <= threshold && availableAfter + quantity > threshold;
}

/** The event lines of a reservation: what moved, without the price snapshot. */
export function movedUnitsOf(reservation: Reservation): RequestedLine[] {
  return reservation.lines.map((line) => ({ productId: line.productId, quantity: line.quantity }));
}
