import type {
  OtherLinesReservedExtension,
  OutOfStockExtension,
  ReleaseReason,
  RequestedLine,
  ReservationLine,
  ReservationReleasedExtension,
  ReservationView,
  ReserveStockRequest,
  UnavailableProductsExtension,
} from '@shop/contracts';
import { AppError } from '@shop/kernel';
import type { AfterCommit } from './after-commit';
import { DuplicateKeyError } from './ports';
import { InventoryEventTypes, crossedLowStock, holdsSameLines, inLockOrder, movedUnitsOf, noReservationView, toReservationView, type Reservation } from './reservation';
import type { LockedReservation, ReservationRepository, ReservationTransaction } from './reservation.ports';

/** What the reservation service is built from. */
export interface ReservationServiceDeps {
  repository: ReservationRepository;
  /** Public product representations include availability, so every stock change drops them after commit. */
  afterCommit: AfterCommit;
  /** How long a reservation holds its units when the request names no ttl. */
  defaultTtlSeconds: number;
  /** `inventory.low` fires when a reservation takes a product's availability to this or below. */
  lowStockThreshold: number;
}

/** The outcome of a reservation request: `created` false means an earlier identical request made it. */
export interface ReserveStockResult {
  created: boolean;
  reservation: ReservationView;
}

/** How many expired orders one sweep transaction releases. */
const SWEEP_BATCH_ORDERS = 100;

/** Thrown inside the reservation transaction to roll every line back when one line lacks stock. */
class InsufficientStock extends Error {
  constructor(readonly line: RequestedLine) {
    super(`not enough stock of ${line.productId}`);
  }
}

/** Products whose availability a committed transaction changed, by id with their SKUs (cache keys). */
type Touched = Map<string, Set<string>>;

/**
 * Stock reservations for checkout: reserve all lines or none without ever overselling, commit a reservation into a
 * sale, release it (or give a sale back), and release what expired. Every call is idempotent per order id, and
 * every stock change enqueues its event in the same transaction (outbox) and drops the product's cache entries
 * after commit. The caller is the order service (or the sweeper), never a user: the order id identifies the
 * request, so no method takes a catalog context.
 */
export class ReservationService {
  constructor(private readonly deps: ReservationServiceDeps) {}

  /**
   * Reserves every line or none. A repeated order id answers the existing reservation (`created` false) while it is
   * reserved or committed; one that was released or expired is a conflict. Unknown or inactive products →
   * unprocessable (`unavailable`); too little stock → conflict (`outOfStock`, read after the rollback).
   */
  async reserveStock(request: ReserveStockRequest): Promise<ReserveStockResult> {
    const lines = inLockOrder(request.lines);
    const ttlSeconds = request.ttlSeconds ?? this.deps.defaultTtlSeconds;
    // A second pass only after a concurrent duplicate won the race for the order id: it then finds that reservation.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.tryReserve(request.orderId, lines, ttlSeconds, request.currency);
      } catch (error) {
        if (error instanceof DuplicateKeyError && attempt < 2) continue;
        if (error instanceof InsufficientStock) throw await this.outOfStockError(lines, error.line);
        throw error;
      }
    }
  }

  /** Turns a reservation into a sale (on hand and reserved both decrease). Idempotent; released or expired → conflict. */
  async commitReservation(orderId: string): Promise<ReservationView> {
    const touched: Touched = new Map();
    const outcome = await this.deps.repository.transaction(async (tx) => {
      const current = await tx.lockReservation(orderId);
      if (!current) return undefined;
      if (current.status === 'reserved' && current.expired) return this.release(tx, current, 'expired', touched);
      if (current.status !== 'reserved') return current;
      for (const line of current.lines) {
        const stock = await tx.adjustStock(line.productId, { onHand: -line.quantity, reserved: -line.quantity }, 'sale');
        addTouched(touched, stock.productId, stock.sku);
      }
      await tx.setReservationStatus([orderId], 'committed');
      return { ...current, status: 'committed' as const };
    });
    await this.deps.afterCommit.productsChanged(touchedProducts(touched));
    if (!outcome) throw new AppError('not_found', `Order ${orderId} holds no reservation`);
    if (outcome.status !== 'committed') throw releasedError(outcome);
    return toReservationView(outcome);
  }

  /**
   * Gives an order's units back: a live reservation becomes `released`, a committed sale `returned` (on hand grows
   * again). Releasing again, or releasing an order that never reserved anything (`none`), changes nothing: a
   * compensation can run blindly.
   */
  async releaseReservation(orderId: string): Promise<ReservationView> {
    const touched: Touched = new Map();
    const outcome = await this.deps.repository.transaction(async (tx) => {
      const current = await tx.lockReservation(orderId);
      if (!current) return undefined;
      if (current.status === 'reserved') return this.release(tx, current, 'released', touched);
      if (current.status === 'committed') return this.release(tx, current, 'returned', touched);
      return current;
    });
    await this.deps.afterCommit.productsChanged(touchedProducts(touched));
    return outcome ? toReservationView(outcome) : noReservationView(orderId);
  }

  /**
   * Releases every reservation still `reserved` past its expiry, in batches. Two sweeps at once (or a sweep and a
   * commit) lock an order's rows in the same order and re-check the status, so each order is released exactly once.
   * Answers how many orders this call released.
   */
  async releaseExpiredReservations(): Promise<{ released: number }> {
    let released = 0;
    for (;;) {
      const orderIds = await this.deps.repository.findExpiredOrderIds(SWEEP_BATCH_ORDERS);
      if (orderIds.length === 0) break;
      const touched: Touched = new Map();
      const count = await this.deps.repository.transaction(async (tx) => {
        const reservations = await tx.lockExpiredReservations(orderIds);
        // Per product in productId order, after every reservation row is locked: the same lock order as reserve and commit.
        const totals = new Map<string, number>();
        for (const reservation of reservations) for (const line of reservation.lines) totals.set(line.productId, (totals.get(line.productId) ?? 0) + line.quantity);
        for (const { productId, quantity } of inLockOrder([...totals].map(([productId, quantity]) => ({ productId, quantity })))) {
          const stock = await tx.adjustStock(productId, { onHand: 0, reserved: -quantity }, 'expiry');
          addTouched(touched, stock.productId, stock.sku);
        }
        if (reservations.length > 0) await tx.setReservationStatus(reservations.map((r) => r.orderId), 'released');
        for (const reservation of reservations) await this.enqueueReleased(tx, reservation, 'expired');
        return reservations.length;
      });
      await this.deps.afterCommit.productsChanged(touchedProducts(touched));
      released += count;
      // A short batch was the last one; an empty one means another sweep took these orders meanwhile.
      if (orderIds.length < SWEEP_BATCH_ORDERS || count === 0) break;
    }
    return { released };
  }

  private async tryReserve(orderId: string, lines: RequestedLine[], ttlSeconds: number, currency: string | undefined): Promise<ReserveStockResult> {
    const touched: Touched = new Map();
    const outcome = await this.deps.repository.transaction(async (tx): Promise<{ created: boolean; reservation: Reservation }> => {
      const existing = await tx.lockReservation(orderId);
      if (existing) {
        if (existing.status === 'reserved' && existing.expired) return { created: false, reservation: await this.release(tx, existing, 'expired', touched) };
        return { created: false, reservation: existing };
      }
      const products = await tx.findProductsForSale(lines.map((line) => line.productId), currency);
      const unavailable = lines.filter((line) => products.get(line.productId)?.status !== 'active').map((line) => line.productId);
      if (unavailable.length > 0) throw unavailableError(unavailable);
      const snapshot: ReservationLine[] = lines.map((line) => {
        const product = products.get(line.productId)!;
        return { productId: product.id, sku: product.sku, name: product.name, unitPrice: { amount: product.price.amount, currency: product.price.currency }, quantity: line.quantity };
      });
      // The rows first: a concurrent duplicate of this order waits on them and fails before it touches any stock.
      const expiresAt = await tx.insertReservation(orderId, snapshot, ttlSeconds);
      const reservation: Reservation = { orderId, status: 'reserved', expiresAt, lines: snapshot };
      await tx.enqueueInventoryEvent({ type: InventoryEventTypes.reserved, subject: orderId, data: { orderId, lines, expiresAt: expiresAt.toISOString() } });
      // The stock last, so the hot inventory rows stay locked for as short a time as possible.
      for (const line of lines) {
        const stock = await tx.reserveUnits(line);
        if (!stock) throw new InsufficientStock(line);
        addTouched(touched, stock.productId, stock.sku);
        const available = stock.onHand - stock.reserved;
        if (crossedLowStock(available, line.quantity, this.deps.lowStockThreshold)) {
          await tx.enqueueInventoryEvent({
            type: InventoryEventTypes.low,
            subject: stock.productId,
            data: { productId: stock.productId, sku: stock.sku, available, threshold: this.deps.lowStockThreshold },
          });
        }
      }
      return { created: true, reservation };
    });
    await this.deps.afterCommit.productsChanged(touchedProducts(touched));
    const { created, reservation } = outcome;
    if (reservation.status === 'released' || reservation.status === 'returned') throw releasedError(reservation);
    if (!created && !holdsSameLines(reservation, lines)) {
      throw new AppError('unprocessable', `Order ${orderId} already holds a reservation of other lines; an order id reserves once`, {
        extensions: { orderId, reservation: toReservationView(reservation) } satisfies OtherLinesReservedExtension,
      });
    }
    return { created, reservation: toReservationView(reservation) };
  }

  /** Gives a locked reservation's units back and records why; answers it with its new status. */
  private async release(tx: ReservationTransaction, reservation: LockedReservation, reason: ReleaseReason, touched: Touched): Promise<Reservation> {
    const returned = reason === 'returned';
    for (const line of reservation.lines) {
      const stock = await tx.adjustStock(line.productId, returned ? { onHand: line.quantity, reserved: 0 } : { onHand: 0, reserved: -line.quantity }, reason === 'expired' ? 'expiry' : 'release');
      addTouched(touched, stock.productId, stock.sku);
    }
    const status = returned ? ('returned' as const) : ('released' as const);
    await tx.setReservationStatus([reservation.orderId], status);
    await this.enqueueReleased(tx, reservation, reason);
    return { orderId: reservation.orderId, status, expiresAt: reservation.expiresAt, lines: reservation.lines };
  }

  private async enqueueReleased(tx: ReservationTransaction, reservation: Reservation, reason: ReleaseReason): Promise<void> {
    await tx.enqueueInventoryEvent({
      type: InventoryEventTypes.released,
      subject: reservation.orderId,
      data: { orderId: reservation.orderId, lines: movedUnitsOf(reservation), reason },
    });
  }

  /** The 409 of a failed reservation, from availability read after the rollback (or 422 when a product went off sale meanwhile). */
  private async outOfStockError(lines: RequestedLine[], failed: RequestedLine): Promise<AppError> {
    const current = await this.deps.repository.currentAvailability(lines.map((line) => line.productId));
    const unavailable = lines.filter((line) => current.get(line.productId)?.status !== 'active').map((line) => line.productId);
    if (unavailable.length > 0) return unavailableError(unavailable);
    const outOfStock = lines
      .map((line) => ({ productId: line.productId, requested: line.quantity, available: current.get(line.productId)?.available ?? 0 }))
      .filter((line) => line.available < line.requested || line.productId === failed.productId);
    return new AppError('conflict', `Not enough stock for ${outOfStock.length} line(s); nothing was reserved`, { extensions: { outOfStock } satisfies OutOfStockExtension });
  }
}

/** The products of `touched` as the after-commit follow-up takes them. */
function touchedProducts(touched: Touched): Array<{ id: string; skus: string[] }> {
  return [...touched].map(([id, skus]) => ({ id, skus: [...skus] }));
}

function addTouched(touched: Touched, productId: string, sku: string): void {
  const skus = touched.get(productId) ?? new Set<string>();
  skus.add(sku);
  touched.set(productId, skus);
}

function unavailableError(unavailable: string[]): AppError {
  return new AppError('unprocessable', `${unavailable.length} product(s) are unknown or not on sale`, { extensions: { unavailable } satisfies UnavailableProductsExtension });
}

function releasedError(reservation: Reservation): AppError {
  return new AppError('conflict', `The reservation of order ${reservation.orderId} was ${reservation.status === 'returned' ? 'committed and given back' : 'released or expired'}; its units are no longer held`, {
    // Not `status`: in a problem document that member is the HTTP status code (RFC 9457).
    extensions: { orderId: reservation.orderId, reservationStatus: reservation.status === 'returned' ? 'returned' : 'released' } satisfies ReservationReleasedExtension,
  });
}
