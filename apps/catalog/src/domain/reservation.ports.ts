import type { Money, ProductStatus, RequestedLine, ReservationLine, ReservationStatus, SnapshotSource } from '@shop/contracts';
import type { InventoryEvent, Reservation } from './reservation';

/** What a reservation needs to know about a product: its price snapshot and whether it is on sale. */
export interface ProductForSale {
  id: string;
  sku: string;
  name: string;
  price: Money;
  status: ProductStatus;
}

/** A product's stock after a reservation changed it, with its current SKU (for cache invalidation and alerts). */
export interface StockAfterChange {
  productId: string;
  sku: string;
  onHand: number;
  reserved: number;
}

/** Why a reservation transaction moved stock, as its product history snapshot records it. */
export type StockChangeSource = Extract<SnapshotSource, 'sale' | 'release' | 'expiry'>;

/** A locked reservation and whether its expiry has passed (by the database clock). */
export interface LockedReservation extends Reservation {
  expired: boolean;
}

/** Port: the stock reservations of orders. Expiry is judged by the database clock, one clock for every replica. */
export interface ReservationRepository {
  /** Runs `work` in one database transaction: stock, reservation rows and enqueued events commit together or not at all. */
  transaction<T>(work: (tx: ReservationTransaction) => Promise<T>): Promise<T>;
  /** Status and current availability of products (outside any transaction); unknown ids are absent. */
  currentAvailability(productIds: string[]): Promise<Map<string, { status: ProductStatus; available: number }>>;
  /** Orders with a `reserved` reservation past its expiry, oldest first, at most `limit`. */
  findExpiredOrderIds(limit: number): Promise<string[]>;
}

/** Port: what a reservation transaction can do. Reservation rows are always locked before inventory rows. */
export interface ReservationTransaction {
  /** Locks an order's reservation rows (productId order); undefined when the order reserved nothing. */
  lockReservation(orderId: string): Promise<LockedReservation | undefined>;
  /** Locks the rows of these orders that are still `reserved` and past expiry, in (orderId, productId) order; one reservation per order. */
  lockExpiredReservations(orderIds: string[]): Promise<Reservation[]>;
  /** The products with these ids (any status). */
  findProductsForSale(productIds: string[], currency?: string): Promise<Map<string, ProductForSale>>;
  /** Records the lines as `reserved` until now + ttl; DuplicateKeyError when the order has rows already (a concurrent duplicate). */
  insertReservation(orderId: string, lines: ReservationLine[], ttlSeconds: number): Promise<Date>;
  /**
   * The one conditional statement that reserves: `reserved += quantity` only if the product is active and
   * `on_hand - reserved >= quantity`. Undefined when it is not (nothing changed): concurrent callers cannot oversell.
   */
  reserveUnits(line: RequestedLine): Promise<StockAfterChange | undefined>;
  /**
   * Adds the deltas to a product's on hand and reserved figures (the table's checks keep both within bounds); a change
   * of availability appends a product history snapshot with `source` (why the stock moved).
   */
  adjustStock(productId: string, delta: { onHand: number; reserved: number }, source: StockChangeSource): Promise<StockAfterChange>;
  /** Sets the status of every line of these orders. */
  setReservationStatus(orderIds: string[], status: ReservationStatus): Promise<void>;
  /** Writes an inventory event to the outbox, published after commit. */
  enqueueInventoryEvent(event: InventoryEvent): Promise<void>;
}
