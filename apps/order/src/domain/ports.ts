import type { Money, OrderOutOfStockLine, OrderPage } from '@shop/contracts';
import type { StoredCheckoutOutcome } from './checkout-outcome';
import type { Order, OrderLine, OrderStatusChange, PricedLine, ShippingAddress, StoredPaymentMethod } from './order';
import type { OrderStatus } from './order-status';

export type { OrderPage } from '@shop/contracts';

// ---------------------------------------------------------------- time

/**
 * Port: time as the checkout needs it. Domain code keeps no timers of its own; the composition gives it the system
 * clock, a test may give it another.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts (the caller no longer needs to wait). */
  wait(ms: number, signal?: AbortSignal): Promise<void>;
}

// ---------------------------------------------------------------- payments

/** A charge request; the provider never charges twice for one `idempotencyKey`. */
export interface ChargeRequest {
  orderId: string;
  amount: Money;
  paymentToken: string;
  idempotencyKey: string;
}

/** What a charge ended in. `unknown`: the provider did not answer in time (the charge may or may not exist). */
export type ChargeResult = { status: 'captured'; paymentId: string } | { status: 'declined'; reason: string } | { status: 'unknown'; reason: string };

/** A refund request; idempotent by `idempotencyKey`. */
export interface RefundRequest {
  paymentId: string;
  amount: Money;
  idempotencyKey: string;
}

/** Port: the payment service provider. */
export interface PaymentProvider {
  /** Charges once per idempotency key: the same key returns the first result and never charges again. */
  charge(request: ChargeRequest): Promise<Exclude<ChargeResult, { status: 'unknown' }>>;
  /**
   * The result of the charge made with `idempotencyKey`, or undefined when the provider never saw that key. The
   * recovery loop asks this instead of charging again: the token is not kept, and the provider remembers.
   */
  findCharge(idempotencyKey: string): Promise<Exclude<ChargeResult, { status: 'unknown' }> | undefined>;
  /** Refunds (part of) a captured payment; idempotent by key. */
  refund(request: RefundRequest): Promise<{ status: 'refunded'; refundId: string }>;
}

// ---------------------------------------------------------------- stock (catalog)

/** A line to reserve. */
export interface ReservationLine {
  productId: string;
  quantity: number;
}

/** What reserving the stock of an order ended in. */
export type ReservationOutcome =
  | { status: 'reserved'; expiresAt: string; lines: PricedLine[] }
  | { status: 'out_of_stock'; outOfStock: OrderOutOfStockLine[] }
  | { status: 'unavailable'; productIds: string[] };

/** Port: the catalog's stock reservations (idempotent per order id). */
export interface StockReservations {
  /** Reserves every line or none. Throws when the catalog cannot be reached (the outcome is then unknown). */
  reserve(request: { orderId: string; lines: ReservationLine[]; ttlSeconds: number; currency: string }): Promise<ReservationOutcome>;
  /** Turns the reservation into a sale; `released` when it had expired (its stock is gone back). */
  commit(orderId: string): Promise<'committed' | 'released'>;
  /** Gives the stock back (also committed stock: a cancelled confirmed order). Idempotent. */
  release(orderId: string): Promise<void>;
}

// ---------------------------------------------------------------- cart

/** The shopper's cart as a checkout reads it: its lines, and the version they are at. */
export interface CartContents {
  /** Prices are hints; the reservation's snapshot is what the order charges. */
  lines: PricedLine[];
  /** The cart's version (its ETag): the order takes the cart at this version or not at all. */
  version: string;
}

/** Who takes or gives back which cart. */
export interface CartCheckoutRef {
  userId: string;
  orderId: string;
}

/**
 * Port: the shopper's cart as the checkout uses it. The order binds to one version of the cart: right after the
 * pending order exists, the cart's lines at that version move into a hold for the order (the cart shows none from
 * then on); an order that does not go through gives them back.
 */
export interface CartCheckouts {
  /** The cart's lines and version, read with the shopper's own credentials. */
  readCart(authorization: string): Promise<CartContents>;
  /**
   * Takes the cart for the order if it is still at `cartVersion`: `taken` (now, or earlier by this order), or
   * `cart_changed` (nothing taken: the shopper changed the cart, another order took it, or this order gave it back).
   * Idempotent per order. Throws when the cart cannot answer: whether it was taken is then unknown (release it).
   */
  take(request: CartCheckoutRef & { cartVersion: string }): Promise<'taken' | 'cart_changed'>;
  /**
   * Gives the order's hold back to the cart (its lines return). Idempotent; for an order that took nothing it makes
   * sure the order can take nothing any more; a confirmed order's lines stay with it. Throws when the cart cannot answer.
   */
  release(request: CartCheckoutRef): Promise<void>;
}

// ---------------------------------------------------------------- persistence

/** A stored idempotency key of a checkout. */
export interface IdempotencyRecord {
  requestHash: string;
  orderId: string | null;
  /** What the checkout under this key ended in; null while the first request still runs. */
  outcome: StoredCheckoutOutcome | null;
}

/** What a new order starts with. */
export interface NewOrder {
  id: string;
  userId: string;
  currency: string;
  lines: OrderLine[];
  subtotal: Money;
  shippingAddress: ShippingAddress;
  paymentMethod: StoredPaymentMethod;
}

/** Changes that go with a status transition. */
export interface TransitionChanges {
  /** Why (stored in the history; order.cancelled carries it). */
  reason?: string;
  /** Replaces the lines and totals (the reservation's price snapshot). */
  lines?: OrderLine[];
  subtotal?: Money;
  paymentId?: string;
  failureReason?: string;
}

/** Filters of the admin order search. */
export interface AdminOrderFilter {
  status?: OrderStatus;
  userId?: string;
  from?: Date;
  to?: Date;
}

/** Where a read goes: the primary (the latest committed), or the read pool (a replica within its lag bound, else the primary). */
export type ReadFrom = 'primary' | 'read pool';

/** Port: the order service's own database. */
export interface OrderRepository {
  findIdempotencyKey(userId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Stores the key and the pending order atomically and answers the order. Answers undefined (and writes nothing)
   * when the key exists already: another request with the key got there first.
   */
  createPendingOrder(order: NewOrder, idempotency: { key: string; requestHash: string }): Promise<Order | undefined>;
  /**
   * Stores the outcome of a key. By order id (the recovery): only where no outcome or `processing` is stored, so a
   * replay after the recovery gets the final outcome instead of "still processing".
   */
  saveCheckoutOutcome(target: { userId: string; key: string } | { orderId: string }, outcome: StoredCheckoutOutcome): Promise<void>;
  /** Deletes a key whose request ended without a final outcome (`unavailable`), so that a retry with it starts over. */
  forgetIdempotencyKey(userId: string, key: string): Promise<void>;
  /**
   * One order with its status history, from the primary (what a read after the checkout or a status change must see),
   * or with `from: 'read pool'` from the read replica (a little stale; the fallback while the primary is unavailable).
   */
  findOrder(orderId: string, options?: { from: ReadFrom }): Promise<Order | undefined>;
  history(orderId: string, options?: { from: ReadFrom }): Promise<OrderStatusChange[]>;
  /**
   * Moves an order to `to` in one transaction with its history row and its event (outbox). Throws `conflict`
   * when the state machine forbids it, `not_found` when there is no such order.
   */
  transition(orderId: string, to: OrderStatus, changes?: TransitionChanges): Promise<Order>;
  listByUser(userId: string, page: { limit: number; cursor?: string }): Promise<OrderPage>;
  search(filter: AdminOrderFilter, page: { limit: number; cursor?: string }): Promise<OrderPage>;
  /**
   * Leases up to `limit` orders stuck in the checkout (in one of `CheckoutStatuses`, untouched for `staleAfterMs`)
   * to this caller for `leaseMs`, skipping rows another replica is claiming at the same moment.
   */
  claimStaleCheckouts(options: { staleAfterMs: number; leaseMs: number; limit: number }): Promise<Order[]>;
}
