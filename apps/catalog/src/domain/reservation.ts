import {
  EventTypes,
  type InventoryLowData,
  type InventoryReleasedData,
  type InventoryReservedData,
  type ReservationLine,
  type ReservationStatus,
  type ReservationView,
  type RequestedLine,
} from '@shop/contracts';

/** An order's reservation; lines are in productId order (the order rows are locked in). */
export interface Reservation {
  orderId: string;
  status: ReservationStatus;
  expiresAt: Date;
  lines: ReservationLine[];
}

/** Inventory event types this service publishes on `Topics.inventory`. */
export const InventoryEventTypes = {
  reserved: EventTypes.inventoryReserved,
  released: EventTypes.inventoryReleased,
  low: EventTypes.inventoryLow,
} as const;

/** An inventory event as the outbox takes it, its data typed by the contract of its type. */
export type InventoryEvent =
  | { type: typeof InventoryEventTypes.reserved; subject: string; data: InventoryReservedData }
  | { type: typeof InventoryEventTypes.released; subject: string; data: InventoryReleasedData }
  | { type: typeof InventoryEventTypes.low; subject: string; data: InventoryLowData };

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
