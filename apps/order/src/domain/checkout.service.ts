import { createHash, randomUUID } from 'node:crypto';
import { SimulatedPaymentTokens, type PlaceOrderBody } from '@shop/contracts';
import { AppError, type Logger } from '@shop/kernel';
import { isStoredOutcome, type CheckoutOutcome, type StoredCheckoutOutcome } from './checkout-outcome';
import { describePaymentMethod, priceLines, sameLines, type Order } from './order';
import type { CartCheckouts, ChargeResult, Clock, OrderRepository, PaymentProvider, StockReservations } from './ports';

/** What a shopper sends to place an order (the order API's request body). */
export type PlaceOrderInput = PlaceOrderBody;

/** Who places the order, with the credentials the cart is read with. */
export interface Shopper {
  userId: string;
  /** The shopper's own `Authorization` header, forwarded to the cart. */
  authorization: string;
}

/** Points where a test can stop the saga, as if the process died there. */
export interface CheckoutHooks {
  /** After the pending order exists, before it takes the cart. */
  beforeTakingCart?: (order: Order) => Promise<void>;
  /** After the stock is reserved and the order is `reserved`, before the payment. */
  afterReserve?: (order: Order) => Promise<void>;
  /** After the payment is captured and the order is `paid`, before the reservation is committed. */
  afterPayment?: (order: Order) => Promise<void>;
}

/** Settings of the saga. */
export interface CheckoutSettings {
  reservationTtlSeconds: number;
  /** A charge without an answer by then is `unknown`: the outcome is `processing` and the recovery finds out. */
  paymentTimeoutMs: number;
  /** How long a request with a key already in use waits for the first request's answer. */
  idempotencyWaitMs: number;
}

/** What the saga is built from. */
export interface CheckoutDeps {
  repository: OrderRepository;
  cart: CartCheckouts;
  stock: StockReservations;
  payments: PaymentProvider;
  settings: CheckoutSettings;
  /** Bounds the charge and paces the wait for a running request's outcome. */
  clock: Clock;
  logger: Logger;
  hooks?: CheckoutHooks;
}

/**
 * The checkout saga: cart read → pending order → the cart taken (its lines held for the order) → stock reservation →
 * payment → commit → confirmed, each step with its compensation (give the cart back, release the stock, refund the
 * payment). Every step is idempotent per order id, so the recovery loop can resume an order from whatever status a
 * crash left it in. An order leaves the checkout either confirmed (holding the cart's lines) or with the cart given
 * back: a compensation that fails keeps the order in the checkout, and the recovery finishes it.
 */
export class CheckoutService {
  constructor(private readonly deps: CheckoutDeps) {}

  /**
   * Places an order for the shopper's cart under an idempotency key: the first request runs the saga, and every
   * request with the same key and body gets its outcome (waiting for it while it runs). Refusals before any order
   * exists (an empty or unpriceable cart, the key used with another body or still busy) are thrown as AppErrors.
   */
  async placeOrder(shopper: Shopper, idempotencyKey: string, input: PlaceOrderInput): Promise<CheckoutOutcome> {
    const { repository } = this.deps;
    const requestHash = hashRequest(input);
    const existing = await repository.findIdempotencyKey(shopper.userId, idempotencyKey);
    if (existing) return this.replay(shopper.userId, idempotencyKey, requestHash);

    const cart = await this.deps.cart.readCart(shopper.authorization);
    if (cart.lines.length === 0) {
      // A request with the same key that got in first may have taken the cart meanwhile: its outcome is the answer.
      if (await repository.findIdempotencyKey(shopper.userId, idempotencyKey)) return this.replay(shopper.userId, idempotencyKey, requestHash);
      throw new AppError('unprocessable', 'The cart is empty');
    }
    const priced = priceLines(cart.lines);
    if (!priced) throw new AppError('unprocessable', 'The cart mixes currencies (or its total is out of range); one order is paid in one currency');

    const orderId = randomUUID();
    const pending = await repository.createPendingOrder(
      {
        id: orderId,
        userId: shopper.userId,
        currency: priced.currency,
        lines: priced.lines,
        subtotal: priced.subtotal,
        shippingAddress: input.shippingAddress,
        paymentMethod: describePaymentMethod(input.paymentToken, SimulatedPaymentTokens),
      },
      { key: idempotencyKey, requestHash },
    );
    if (!pending) return this.replay(shopper.userId, idempotencyKey, requestHash);

    let outcome: CheckoutOutcome;
    try {
      outcome = await this.takeCartReserveAndPay(pending, cart.version, input.paymentToken);
    } catch (error) {
      // A dependency failed mid-way: the order stays where it is and the recovery loop finishes it.
      this.deps.logger.error({ err: error, orderId }, 'checkout interrupted; the recovery loop will resume the order');
      outcome = { kind: 'processing', orderId };
    }
    // `unavailable` is not final: the key is forgotten so that a retry with it starts over.
    if (isStoredOutcome(outcome)) await repository.saveCheckoutOutcome({ userId: shopper.userId, key: idempotencyKey }, outcome);
    else await repository.forgetIdempotencyKey(shopper.userId, idempotencyKey);
    return outcome;
  }

  /**
   * Resumes an order a crash (or an unknown payment outcome) left inside the checkout. The payment token is never
   * stored, so an order that never reached the provider cannot be paid any more: it is cancelled, its stock released
   * and the cart given back. Returns the outcome the order's checkout now ends in (stored for its idempotency key).
   */
  async resume(order: Order): Promise<CheckoutOutcome> {
    let outcome: CheckoutOutcome;
    switch (order.status) {
      case 'pending':
        outcome = await this.abandon(order, 'checkout_interrupted');
        break;
      case 'reserved': {
        // "Charge again with the same key": the provider answers with the first result of that key.
        const charge = await this.deps.payments.findCharge(order.id);
        outcome = charge ? await this.settleCharge(order, charge) : await this.abandon(order, 'checkout_interrupted');
        break;
      }
      case 'paid':
        outcome = await this.complete(order);
        break;
      default:
        return outcomeOfSettledOrder(order);
    }
    if (isStoredOutcome(outcome)) await this.deps.repository.saveCheckoutOutcome({ orderId: order.id }, outcome);
    return outcome;
  }

  private async takeCartReserveAndPay(pending: Order, cartVersion: string, paymentToken: string): Promise<CheckoutOutcome> {
    const { repository, cart, stock, settings, hooks } = this.deps;
    const orderId = pending.id;
    await hooks?.beforeTakingCart?.(pending);
    let taking;
    try {
      taking = await cart.take({ userId: pending.userId, orderId, cartVersion });
    } catch (error) {
      // Unknown whether the cart was taken: give it back (which also refuses a take still on its way) and cancel.
      this.deps.logger.warn({ err: error, orderId }, 'taking the cart failed');
      await this.abandon(pending, 'cart_unavailable').catch((abandonError: unknown) => this.deps.logger.warn({ err: abandonError, orderId }, 'cancelling after a failed take of the cart failed; the recovery loop will'));
      return { kind: 'unavailable', orderId, retryAfterSeconds: 1, dependency: 'cart' };
    }
    if (taking === 'cart_changed') {
      // Nothing was taken, so nothing goes back: the cart belongs to whoever changed or took it.
      try {
        await repository.transition(orderId, 'cancelled', { reason: 'cart_changed', failureReason: 'cart_changed' });
      } catch (error) {
        // Cancelled meanwhile (the customer, which also made the cart refuse this order): that is how it ended.
        if (!(error instanceof AppError && error.type === 'conflict')) throw error;
        return outcomeOfSettledOrder(await this.mustFind(orderId));
      }
      return { kind: 'cart_changed', orderId };
    }
    let reservation;
    try {
      reservation = await stock.reserve({
        orderId,
        lines: pending.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
        ttlSeconds: settings.reservationTtlSeconds,
        // Priced by catalog in the currency the shopper saw (the cart's market), not in each product's own.
        currency: pending.currency,
      });
    } catch (error) {
      // Unknown whether the catalog reserved: release (idempotent) and cancel; if that fails too, recovery does it.
      this.deps.logger.warn({ err: error, orderId }, 'reserving stock failed');
      await this.abandon(pending, 'reservation_failed').catch((abandonError: unknown) => this.deps.logger.warn({ err: abandonError, orderId }, 'cancelling after a failed reservation failed; the recovery loop will'));
      return { kind: 'unavailable', orderId, retryAfterSeconds: 1, dependency: 'stock' };
    }
    if (reservation.status === 'out_of_stock') {
      await this.giveCartBack(pending);
      await repository.transition(orderId, 'cancelled', { reason: 'out_of_stock', failureReason: 'out_of_stock' });
      return { kind: 'out_of_stock', orderId, lines: reservation.outOfStock };
    }
    if (reservation.status === 'unavailable') {
      await this.giveCartBack(pending);
      await repository.transition(orderId, 'cancelled', { reason: 'products_unavailable', failureReason: 'products_unavailable' });
      return { kind: 'products_unavailable', orderId, productIds: reservation.productIds };
    }
    const priced = priceLines(reservation.lines);
    if (!priced || priced.currency !== pending.currency) {
      await stock.release(orderId);
      await this.giveCartBack(pending);
      await repository.transition(orderId, 'cancelled', { reason: 'mixed_currencies', failureReason: 'mixed_currencies' });
      return { kind: 'mixed_currencies', orderId };
    }
    // The lines are rewritten only when catalog priced them otherwise than the cart did (a price changed meanwhile).
    const repriced = sameLines(priced.lines, pending.lines) ? {} : { lines: priced.lines, subtotal: priced.subtotal };
    const reserved = await repository.transition(orderId, 'reserved', { reason: 'stock_reserved', ...repriced });
    await hooks?.afterReserve?.(reserved);
    const charge = await this.chargeWithin(settings.paymentTimeoutMs, {
      orderId,
      amount: reserved.total,
      paymentToken,
      idempotencyKey: orderId,
    });
    return this.settleCharge(reserved, charge);
  }

  /** Charges, and calls the outcome `unknown` when the provider fails or does not answer in time. */
  private async chargeWithin(timeoutMs: number, request: Parameters<PaymentProvider['charge']>[0]): Promise<ChargeResult> {
    // Aborted once the race is decided, so a charge that answers in time leaves no wait behind.
    const answered = new AbortController();
    const timeout = this.deps.clock.wait(timeoutMs, answered.signal).then((): ChargeResult => ({ status: 'unknown', reason: 'payment_timeout' }));
    const charge = this.deps.payments.charge(request).catch((error: unknown): ChargeResult => {
      this.deps.logger.warn({ err: error, orderId: request.orderId }, 'charge failed without an answer');
      return { status: 'unknown', reason: 'payment_error' };
    });
    try {
      return await Promise.race([charge, timeout]);
    } finally {
      answered.abort();
    }
  }

  /** Moves a reserved order on by the charge's result. */
  private async settleCharge(order: Order, charge: ChargeResult): Promise<CheckoutOutcome> {
    const { repository, stock, logger } = this.deps;
    if (charge.status === 'unknown') return { kind: 'processing', orderId: order.id };
    if (charge.status === 'declined') {
      await stock.release(order.id).catch((error: unknown) => logger.warn({ err: error, orderId: order.id }, 'release after a declined payment failed; the expiry sweep returns the stock'));
      await this.giveCartBack(order);
      await repository.transition(order.id, 'payment_failed', { reason: 'payment_declined', failureReason: charge.reason });
      return { kind: 'payment_declined', orderId: order.id, reason: charge.reason };
    }
    let paid: Order;
    try {
      paid = await repository.transition(order.id, 'paid', { reason: 'payment_captured', paymentId: charge.paymentId });
    } catch (error) {
      // Cancelled while the charge ran (the customer, or the recovery of another replica): give the money back.
      if (!(error instanceof AppError && error.type === 'conflict')) throw error;
      const current = await this.mustFind(order.id);
      if (current.paymentId === charge.paymentId) return outcomeOfSettledOrder(current);
      await this.refund(order.id, charge.paymentId, order.total);
      return { kind: 'cancelled_while_paying', orderId: order.id, status: current.status };
    }
    await this.deps.hooks?.afterPayment?.(paid);
    return this.complete(paid);
  }

  /** Commits the reservation of a paid order; an expired one is refunded and cancelled. */
  private async complete(order: Order): Promise<CheckoutOutcome> {
    const { repository, stock } = this.deps;
    const result = await stock.commit(order.id);
    if (result === 'committed') {
      const confirmed = await repository.transition(order.id, 'confirmed', { reason: 'stock_committed' });
      return { kind: 'confirmed', order: confirmed };
    }
    if (order.paymentId) await this.refund(order.id, order.paymentId, order.total);
    await this.giveCartBack(order);
    await repository.transition(order.id, 'cancelled', { reason: 'reservation_expired', failureReason: 'reservation_expired' });
    return { kind: 'reservation_expired', orderId: order.id };
  }

  /** Releases whatever the order may hold (stock, the cart's lines) and cancels it. */
  private async abandon(order: Order, reason: string): Promise<CheckoutOutcome> {
    await this.deps.stock.release(order.id);
    await this.giveCartBack(order);
    const cancelled = await this.deps.repository.transition(order.id, 'cancelled', { reason, failureReason: reason });
    return { kind: 'interrupted', orderId: cancelled.id };
  }

  /**
   * The order does not go through: its hold on the cart goes back before the order leaves the checkout. Should the
   * cart not answer, this throws and the order stays where it is, for the recovery to end it (and give the cart back).
   */
  private async giveCartBack(order: Order): Promise<void> {
    await this.deps.cart.release({ userId: order.userId, orderId: order.id });
  }

  private async refund(orderId: string, paymentId: string, amount: Order['total']): Promise<void> {
    await this.deps.payments.refund({ paymentId, amount, idempotencyKey: `refund:${orderId}` });
  }

  /** The outcome stored for a key, waiting (polling) up to idempotencyWaitMs while the first request still runs. */
  private async replay(userId: string, key: string, requestHash: string): Promise<StoredCheckoutOutcome> {
    const { clock, repository, settings } = this.deps;
    const deadline = clock.now() + settings.idempotencyWaitMs;
    for (;;) {
      const record = await repository.findIdempotencyKey(userId, key);
      if (!record) throw new AppError('conflict', 'The idempotency key is in use by a request that did not finish; try again');
      if (record.requestHash !== requestHash) {
        throw new AppError('unprocessable', 'This Idempotency-Key was used with a different request body; use a new key for a new order');
      }
      if (record.outcome) return record.outcome;
      if (clock.now() >= deadline) {
        if (record.orderId) return { kind: 'processing', orderId: record.orderId };
        throw new AppError('conflict', 'A request with this Idempotency-Key is still running; try again shortly', { retryAfterSeconds: 1 });
      }
      await clock.wait(replayPollIntervalMs);
    }
  }

  private async mustFind(orderId: string): Promise<Order> {
    const order = await this.deps.repository.findOrder(orderId);
    if (!order) throw new AppError('not_found', `No order ${orderId}`);
    return order;
  }
}

/** How often a request with a key already in use looks for the first request's outcome. */
const replayPollIntervalMs = 50;

/** A stable hash of a request body: same content, same hash, whatever the key order. */
export function hashRequest(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The outcome for an order that left the checkout: the order when it went through, else how it ended. */
function outcomeOfSettledOrder(order: Order): StoredCheckoutOutcome {
  if (['confirmed', 'shipped', 'delivered'].includes(order.status)) return { kind: 'confirmed', order };
  if (order.status === 'payment_failed') return { kind: 'payment_declined', orderId: order.id, reason: order.failureReason };
  return { kind: 'left_checkout', orderId: order.id, status: order.status, reason: order.failureReason };
}
