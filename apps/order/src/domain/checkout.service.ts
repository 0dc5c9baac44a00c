import { createHash, randomUUID } from 'node:crypto';
import { SimulatedPaymentTokens } from '@shop/contracts';
import { statusOfErrorType, toProblem } from '@shop/platform';
import { describePaymentMethod, priceLines, type Order, type ShippingAddress } from './order';
import type { CartReader, ChargeResult, OrderRepository, PaymentProvider, StockReservations, StoredResponse } from './ports';
import { AppError, type Logger } from '@shop/kernel';

/** What a shopper sends to place an order. */
export interface PlaceOrderInput {
  shippingAddress: ShippingAddress;
  paymentToken: string;
}

/** Who places the order, with the credentials the cart is read with. */
export interface Shopper {
  userId: string;
  /** The shopper's own `Authorization` header, forwarded to the cart. */
  authorization: string;
}

/** Points where a test can stop the saga, as if the process died there. */
export interface CheckoutHooks {
  /** After the stock is reserved and the order is `reserved`, before the payment. */
  afterReserve?: (order: Order) => Promise<void>;
  /** After the payment is captured and the order is `paid`, before the reservation is committed. */
  afterPayment?: (order: Order) => Promise<void>;
}

/** Settings of the saga. */
export interface CheckoutSettings {
  reservationTtlSeconds: number;
  /** A charge without an answer by then is `unknown`: the answer is 202 and the recovery loop finds out. */
  paymentTimeoutMs: number;
  /** How long a request with a key already in use waits for the first request's answer. */
  idempotencyWaitMs: number;
}

/** What the saga is built from. */
export interface CheckoutDeps {
  repository: OrderRepository;
  cart: CartReader;
  stock: StockReservations;
  payments: PaymentProvider;
  settings: CheckoutSettings;
  logger: Logger;
  hooks?: CheckoutHooks;
}

/**
 * The checkout saga: cart → pending order → stock reservation → payment → commit → confirmed, each step with its
 * compensation (release the stock, refund the payment). Every step is idempotent per order id, so the recovery
 * loop can resume an order from whatever status a crash left it in.
 */
export class CheckoutService {
  constructor(private readonly deps: CheckoutDeps) {}

  /**
   * Places an order for the shopper's cart under an idempotency key: the first request runs the saga, and every
   * request with the same key and body gets its answer (waiting for it while it runs); another body → 422.
   */
  async placeOrder(shopper: Shopper, idempotencyKey: string, input: PlaceOrderInput): Promise<StoredResponse> {
    const { repository } = this.deps;
    const requestHash = hashRequest(input);
    const existing = await repository.findIdempotencyKey(shopper.userId, idempotencyKey);
    if (existing) return this.replay(shopper.userId, idempotencyKey, requestHash);

    const cart = await this.deps.cart.readCart(shopper.authorization);
    if (cart.lines.length === 0) throw new AppError('unprocessable', 'The cart is empty');
    const priced = priceLines(cart.lines);
    if (!priced) throw new AppError('unprocessable', 'The cart mixes currencies (or its total is out of range); one order is paid in one currency');

    const orderId = randomUUID();
    const created = await repository.createPendingOrder(
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
    if (!created) return this.replay(shopper.userId, idempotencyKey, requestHash);

    let answer: StoredResponse;
    try {
      answer = await this.reserveAndPay(orderId, input.paymentToken);
    } catch (error) {
      // A dependency failed mid-way: the order stays where it is and the recovery loop finishes it.
      this.deps.logger.error({ err: error, orderId }, 'checkout interrupted; the recovery loop will resume the order');
      answer = accepted(orderId);
    }
    // A 503 is not final: the key is forgotten so that a retry with it starts over.
    if (answer.status === 503) await repository.forgetIdempotencyKey(shopper.userId, idempotencyKey);
    else await repository.saveIdempotentResponse({ userId: shopper.userId, key: idempotencyKey }, answer);
    return answer;
  }

  /**
   * Resumes an order a crash (or an unknown payment outcome) left inside the checkout. The payment token is never
   * stored, so an order that never reached the provider cannot be paid any more: it is cancelled and its stock
   * released. Returns the answer the order's POST now deserves (stored for its idempotency key).
   */
  async resume(order: Order): Promise<StoredResponse> {
    let answer: StoredResponse;
    switch (order.status) {
      case 'pending':
        answer = await this.abandon(order.id, 'checkout_interrupted');
        break;
      case 'reserved': {
        // "Charge again with the same key": the provider answers with the first result of that key.
        const charge = await this.deps.payments.findCharge(order.id);
        answer = charge ? await this.settleCharge(order, charge) : await this.abandon(order.id, 'checkout_interrupted');
        break;
      }
      case 'paid':
        answer = await this.complete(order);
        break;
      default:
        return answerOfSettledOrder(order);
    }
    await this.deps.repository.saveIdempotentResponse({ orderId: order.id }, answer);
    return answer;
  }

  private async reserveAndPay(orderId: string, paymentToken: string): Promise<StoredResponse> {
    const { repository, stock, settings, hooks } = this.deps;
    const pending = await this.mustFind(orderId);
    let outcome;
    try {
      outcome = await stock.reserve({
        orderId,
        lines: pending.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
        ttlSeconds: settings.reservationTtlSeconds,
      });
    } catch (error) {
      // Unknown whether the catalog reserved: release (idempotent) and cancel; if that fails too, recovery does it.
      this.deps.logger.warn({ err: error, orderId }, 'reserving stock failed');
      await this.abandon(orderId, 'reservation_failed').catch((abandonError: unknown) => this.deps.logger.warn({ err: abandonError, orderId }, 'cancelling after a failed reservation failed; the recovery loop will'));
      return problemAnswer(new AppError('unavailable', 'The stock could not be reserved right now; try again (the same Idempotency-Key may be reused)', { retryAfterSeconds: 1, extensions: { orderId } }));
    }
    if (outcome.status === 'out_of_stock') {
      await repository.transition(orderId, 'cancelled', { reason: 'out_of_stock', failureReason: 'out_of_stock' });
      return problemAnswer(new AppError('conflict', 'Some products are out of stock', { extensions: { orderId, outOfStock: outcome.outOfStock } }));
    }
    if (outcome.status === 'unavailable') {
      await repository.transition(orderId, 'cancelled', { reason: 'products_unavailable', failureReason: 'products_unavailable' });
      return problemAnswer(new AppError('unprocessable', 'Some products cannot be ordered', { extensions: { orderId, unavailable: outcome.productIds } }));
    }
    const priced = priceLines(outcome.lines);
    if (!priced || priced.currency !== pending.currency) {
      await stock.release(orderId);
      await repository.transition(orderId, 'cancelled', { reason: 'mixed_currencies', failureReason: 'mixed_currencies' });
      return problemAnswer(new AppError('unprocessable', 'The products are priced in different currencies; one order is paid in one currency', { extensions: { orderId } }));
    }
    const reserved = await repository.transition(orderId, 'reserved', { reason: 'stock_reserved', lines: priced.lines, subtotal: priced.subtotal });
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
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ChargeResult>((resolve) => {
      timer = setTimeout(() => resolve({ status: 'unknown', reason: 'payment_timeout' }), timeoutMs);
    });
    const charge = this.deps.payments.charge(request).catch((error: unknown): ChargeResult => {
      this.deps.logger.warn({ err: error, orderId: request.orderId }, 'charge failed without an answer');
      return { status: 'unknown', reason: 'payment_error' };
    });
    try {
      return await Promise.race([charge, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Moves a reserved order on by the charge's result. */
  private async settleCharge(order: Order, charge: ChargeResult): Promise<StoredResponse> {
    const { repository, stock, logger } = this.deps;
    if (charge.status === 'unknown') return accepted(order.id);
    if (charge.status === 'declined') {
      await stock.release(order.id).catch((error: unknown) => logger.warn({ err: error, orderId: order.id }, 'release after a declined payment failed; the expiry sweep returns the stock'));
      await repository.transition(order.id, 'payment_failed', { reason: 'payment_declined', failureReason: charge.reason });
      return problemAnswer(new AppError('payment_required', 'The payment was declined', { extensions: { orderId: order.id, reason: charge.reason } }));
    }
    let paid: Order;
    try {
      paid = await repository.transition(order.id, 'paid', { reason: 'payment_captured', paymentId: charge.paymentId });
    } catch (error) {
      // Cancelled while the charge ran (the customer, or the recovery of another replica): give the money back.
      if (!(error instanceof AppError && error.type === 'conflict')) throw error;
      const current = await this.mustFind(order.id);
      if (current.paymentId === charge.paymentId) return answerOfSettledOrder(current);
      await this.refund(order.id, charge.paymentId, order.total);
      return problemAnswer(new AppError('conflict', `The order was ${current.status} while the payment ran; the payment is refunded`, { extensions: { orderId: order.id } }));
    }
    await this.deps.hooks?.afterPayment?.(paid);
    return this.complete(paid);
  }

  /** Commits the reservation of a paid order; an expired one is refunded and cancelled. */
  private async complete(order: Order): Promise<StoredResponse> {
    const { repository, stock } = this.deps;
    const result = await stock.commit(order.id);
    if (result === 'committed') {
      const confirmed = await repository.transition(order.id, 'confirmed', { reason: 'stock_committed' });
      return { status: 201, body: confirmed, location: orderLocation(order.id) };
    }
    if (order.paymentId) await this.refund(order.id, order.paymentId, order.total);
    await repository.transition(order.id, 'cancelled', { reason: 'reservation_expired', failureReason: 'reservation_expired' });
    return problemAnswer(new AppError('conflict', 'The stock reservation expired before the payment completed; the payment is refunded', { extensions: { orderId: order.id } }));
  }

  /** Releases whatever the order may hold and cancels it. */
  private async abandon(orderId: string, reason: string): Promise<StoredResponse> {
    await this.deps.stock.release(orderId);
    const cancelled = await this.deps.repository.transition(orderId, 'cancelled', { reason, failureReason: reason });
    return problemAnswer(new AppError('conflict', 'The checkout was interrupted and the order cancelled; nothing was charged', { extensions: { orderId: cancelled.id } }));
  }

  private async refund(orderId: string, paymentId: string, amount: Order['total']): Promise<void> {
    await this.deps.payments.refund({ paymentId, amount, idempotencyKey: `refund:${orderId}` });
  }

  private async replay(userId: string, key: string, requestHash: string): Promise<StoredResponse> {
    const deadline = Date.now() + this.deps.settings.idempotencyWaitMs;
    for (;;) {
      const record = await this.deps.repository.findIdempotencyKey(userId, key);
      if (!record) throw new AppError('conflict', 'The idempotency key is in use by a request that did not finish; try again');
      if (record.requestHash !== requestHash) {
        throw new AppError('unprocessable', 'This Idempotency-Key was used with a different request body; use a new key for a new order');
      }
      if (record.response) return record.response;
      if (Date.now() >= deadline) {
        if (record.orderId) return accepted(record.orderId);
        throw new AppError('conflict', 'A request with this Idempotency-Key is still running; try again shortly', { retryAfterSeconds: 1 });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async mustFind(orderId: string): Promise<Order> {
    const order = await this.deps.repository.findOrder(orderId);
    if (!order) throw new AppError('not_found', `No order ${orderId}`);
    return order;
  }
}

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

/** Where an order can be read. */
export function orderLocation(orderId: string): string {
  return `/api/orders/${orderId}`;
}

function accepted(orderId: string): StoredResponse {
  return { status: 202, body: { orderId, status: 'processing', detail: 'The payment outcome is not known yet; the order is completed in the background' }, location: orderLocation(orderId) };
}

function problemAnswer(error: AppError): StoredResponse {
  return { status: statusOfErrorType[error.type], body: toProblem(error) };
}

/** The answer for an order that left the checkout: the order when it went through, else why not. */
function answerOfSettledOrder(order: Order): StoredResponse {
  if (['confirmed', 'shipped', 'delivered'].includes(order.status)) return { status: 201, body: order, location: orderLocation(order.id) };
  if (order.status === 'payment_failed') {
    return problemAnswer(new AppError('payment_required', 'The payment was declined', { extensions: { orderId: order.id, reason: order.failureReason } }));
  }
  return problemAnswer(new AppError('conflict', `The order was ${order.status}`, { extensions: { orderId: order.id, reason: order.failureReason } }));
}
