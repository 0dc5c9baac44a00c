import type { Money } from '@shop/contracts';
import type { Order, OrderLine, OrderStatusChange, PricedLine, ShippingAddress, StoredPaymentMethod } from './order';
import type { OrderStatus } from './order-status';

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
  | { status: 'out_of_stock'; outOfStock: Array<{ productId: string; requested: number; available: number }> }
  | { status: 'unavailable'; productIds: string[] };

/** Port: the catalog's stock reservations (idempotent per order id). */
export interface StockReservations {
  /** Reserves every line or none. Throws when the catalog cannot be reached (the outcome is then unknown). */
  reserve(request: { orderId: string; lines: ReservationLine[]; ttlSeconds: number }): Promise<ReservationOutcome>;
  /** Turns the reservation into a sale; `released` when it had expired (its stock is gone back). */
  commit(orderId: string): Promise<'committed' | 'released'>;
  /** Gives the stock back (also committed stock: a cancelled confirmed order). Idempotent. */
  release(orderId: string): Promise<void>;
}

// ---------------------------------------------------------------- cart

/** Port: reads the shopper's cart with the shopper's own credentials. */
export interface CartReader {
  /** The cart's lines (prices are hints; the reservation's snapshot is what the order charges). */
  readCart(authorization: string): Promise<{ lines: PricedLine[] }>;
}

// ---------------------------------------------------------------- persistence

/** A stored idempotency key of POST /api/orders. */
export interface IdempotencyRecord {
  requestHash: string;
  orderId: string | null;
  response: StoredResponse | null;
}

/** A final answer of POST /api/orders, replayed for the same key and body. */
export interface StoredResponse {
  status: number;
  body: unknown;
  location?: string;
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

/** A page of orders, newest first, and the cursor of the next page. */
export interface OrderPage {
  items: Order[];
  nextCursor: string | null;
}

/** Port: the order service's own database. */
export interface OrderRepository {
  findIdempotencyKey(userId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Stores the key and the pending order in one transaction. Returns false (and writes nothing) when the key
   * exists already: another request with the key got there first.
   */
  createPendingOrder(order: NewOrder, idempotency: { key: string; requestHash: string }): Promise<boolean>;
  /**
   * Stores the final answer of a key. By order id (the recovery loop): only where no answer or a 202 is stored,
   * so a replay after the recovery gets the outcome instead of "still processing".
   */
  saveIdempotentResponse(target: { userId: string; key: string } | { orderId: string }, response: StoredResponse): Promise<void>;
  /** Deletes a key whose request ended without a final answer (503), so that a retry with it starts over. */
  forgetIdempotencyKey(userId: string, key: string): Promise<void>;
  findOrder(orderId: string): Promise<Order | undefined>;
  history(orderId: string): Promise<OrderStatusChange[]>;
  /**
   * Moves an order to `to` in one transaction with its history row and its event (outbox). Throws `conflict`
   * when the state machine forbids it, `not_found` when there is no such order.
   */
  transition(orderId: string, to: OrderStatus, changes?: TransitionChanges): Promise<Order>;
  listByUser(userId: string, page: { limit: number; cursor?: string }): Promise<OrderPage>;
  search(filter: AdminOrderFilter, page: { limit: number; cursor?: string }): Promise<OrderPage>;
  /**
   * Leases up to `limit` orders stuck in the checkout (pending/reserved/paid, untouched for `staleAfterMs`) to
   * this caller for `leaseMs`, skipping rows another replica is claiming at the same moment.
   */
  claimStaleCheckouts(options: { staleAfterMs: number; leaseMs: number; limit: number }): Promise<Order[]>;
}
