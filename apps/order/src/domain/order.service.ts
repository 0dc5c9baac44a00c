import { AuditActions, type OrderWithHistory } from '@shop/contracts';
import type { Order } from './order';
import type { AdminOrderFilter, CartCheckouts, OrderPage, OrderRepository, PaymentProvider, ReadFrom, StockReservations } from './ports';
import { AppError, noAuditRecorder, type AuditRecorder, type Logger } from '@shop/kernel';

export type { OrderWithHistory } from '@shop/contracts';

/** What the order service is built from. */
export interface OrderServiceDeps {
  repository: OrderRepository;
  stock: StockReservations;
  payments: PaymentProvider;
  /** Where an order cancelled before it was paid gives the cart back. */
  cart: CartCheckouts;
  logger: Logger;
  /** Where admins' status changes are audited; default: nowhere. */
  audit?: AuditRecorder;
}

/** Why an order was cancelled on request: its `failureReason` and the reason of `order.cancelled`. */
const cancelReasons = { customer: 'customer_cancelled', admin: 'admin_cancelled' } as const;

/** Who asks for a cancellation. */
export interface Canceller {
  userId: string;
  /** Given when the caller's token claims the admin role: resolves once the role is confirmed as current, else throws. */
  confirmAdmin?: () => Promise<void>;
}

/** Reading orders, cancellation (the customer's, or an admin's) and the admin's fulfilment steps. */
export class OrderService {
  constructor(private readonly deps: OrderServiceDeps) {}

  /**
   * The caller's own order; someone else's is `not_found` (no hint that it exists). From the primary (the page a
   * checkout leads to must show its outcome); while the primary is unavailable the read replica answers, a little
   * stale, rather than a 503 to a shopper who only wants to see what they bought.
   */
  async getOwnOrder(userId: string, orderId: string): Promise<OrderWithHistory> {
    try {
      return await this.ownOrderWithHistory(userId, orderId, 'primary');
    } catch (error) {
      if (!(error instanceof AppError && error.type === 'unavailable')) throw error;
      // Without a replica the read pool is the same primary, and this the same 503.
      return this.ownOrderWithHistory(userId, orderId, 'read pool');
    }
  }

  private async ownOrderWithHistory(userId: string, orderId: string, from: ReadFrom): Promise<OrderWithHistory> {
    const order = await this.ownOrder(userId, orderId, from);
    return { ...order, history: await this.deps.repository.history(orderId, { from }) };
  }

  /** Any order (admin). */
  async getOrder(orderId: string): Promise<OrderWithHistory> {
    const order = await this.deps.repository.findOrder(orderId);
    if (!order) throw new AppError('not_found', 'No such order');
    return { ...order, history: await this.deps.repository.history(orderId) };
  }

  /** The caller's orders, newest first. */
  listOwnOrders(userId: string, page: { limit: number; cursor?: string }): Promise<OrderPage> {
    return this.deps.repository.listByUser(userId, page);
  }

  /** Every order matching the filter, newest first (admin). */
  searchOrders(filter: AdminOrderFilter, page: { limit: number; cursor?: string }): Promise<OrderPage> {
    return this.deps.repository.search(filter, page);
  }

  /**
   * Cancels before shipping, for the order's customer or for an admin. The status changes first (so a concurrent ship
   * gets 409, never a shipped-and-refunded order), then the stock is released and a confirmed order's payment
   * refunded. Both are idempotent: cancelling a cancelled order again retries them, so a failure there can be retried.
   * Someone else's order is `not_found` (no hint that it exists) unless the caller is an admin whom `confirmAdmin`
   * confirms; its refusal (403, or 503 when it cannot tell) stands.
   */
  async cancel(canceller: Canceller, orderId: string): Promise<Order> {
    let order = await this.deps.repository.findOrder(orderId);
    if (!order) throw new AppError('not_found', 'No such order');
    let reason: string = cancelReasons.customer;
    if (order.userId !== canceller.userId) {
      if (!canceller.confirmAdmin) throw new AppError('not_found', 'No such order');
      await canceller.confirmAdmin();
      reason = cancelReasons.admin;
    }
    if (order.status === 'paid') {
      throw new AppError('conflict', 'The payment of this order is being completed; try again in a moment', { retryAfterSeconds: 1, extensions: { orderStatus: order.status } });
    }
    const retrying = order.status === 'cancelled' && (order.failureReason === cancelReasons.customer || order.failureReason === cancelReasons.admin);
    if (!retrying) {
      const from = order.status;
      order = await this.deps.repository.transition(orderId, 'cancelled', { reason, failureReason: reason });
      if (reason === cancelReasons.admin) this.auditStatusChange(canceller.userId, order, from);
    }
    await this.deps.stock.release(orderId);
    // A payment id means the order got as far as paid (here: confirmed), so its lines are the order's; an order
    // cancelled before that gives the cart back (idempotent, and a no-op for an order that took nothing).
    if (order.paymentId) await this.deps.payments.refund({ paymentId: order.paymentId, amount: order.total, idempotencyKey: `refund:${orderId}` });
    else await this.deps.cart.release({ userId: order.userId, orderId });
    return order;
  }

  /** confirmed → shipped (admin); `admin` is who did it, for the audit log. */
  async ship(orderId: string, admin?: { userId: string }): Promise<Order> {
    const order = await this.deps.repository.transition(orderId, 'shipped', { reason: 'shipped' });
    if (admin) this.auditStatusChange(admin.userId, order, 'confirmed');
    return order;
  }

  /** shipped → delivered (admin); `admin` is who did it, for the audit log. */
  async deliver(orderId: string, admin?: { userId: string }): Promise<Order> {
    const order = await this.deps.repository.transition(orderId, 'delivered', { reason: 'delivered' });
    if (admin) this.auditStatusChange(admin.userId, order, 'shipped');
    return order;
  }

  private auditStatusChange(adminUserId: string, order: Order, from: string): void {
    (this.deps.audit ?? noAuditRecorder).record({
      actor: { type: 'user', id: adminUserId },
      action: AuditActions.orderStatusChanged,
      subject: { type: 'order', id: order.id },
      details: { from, to: order.status },
    });
  }

  private async ownOrder(userId: string, orderId: string, from: ReadFrom = 'primary'): Promise<Order> {
    const order = await this.deps.repository.findOrder(orderId, { from });
    if (!order || order.userId !== userId) throw new AppError('not_found', 'No such order');
    return order;
  }
}
