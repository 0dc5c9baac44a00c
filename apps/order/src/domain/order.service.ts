import type { OrderWithHistory } from '@shop/contracts';
import type { Order } from './order';
import type { AdminOrderFilter, OrderPage, OrderRepository, PaymentProvider, StockReservations } from './ports';
import { AppError, type Logger } from '@shop/kernel';

export type { OrderWithHistory } from '@shop/contracts';

/** What the order service is built from. */
export interface OrderServiceDeps {
  repository: OrderRepository;
  stock: StockReservations;
  payments: PaymentProvider;
  logger: Logger;
}

/** Reading orders, the customer's cancellation and the admin's fulfilment steps. */
export class OrderService {
  constructor(private readonly deps: OrderServiceDeps) {}

  /** The caller's own order; someone else's is `not_found` (no hint that it exists). */
  async getOwnOrder(userId: string, orderId: string): Promise<OrderWithHistory> {
    const order = await this.ownOrder(userId, orderId);
    return { ...order, history: await this.deps.repository.history(orderId) };
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
   * The customer cancels before shipping. The status changes first (so a concurrent ship gets 409, never a
   * shipped-and-refunded order), then the stock is released and a confirmed order's payment refunded. Both are
   * idempotent: cancelling a customer-cancelled order again retries them, so a failure there can be retried.
   */
  async cancelByCustomer(userId: string, orderId: string): Promise<Order> {
    let order = await this.ownOrder(userId, orderId);
    if (order.status === 'paid') {
      throw new AppError('conflict', 'The payment of this order is being completed; try again in a moment', { retryAfterSeconds: 1, extensions: { orderStatus: order.status } });
    }
    const retrying = order.status === 'cancelled' && order.failureReason === 'customer_cancelled';
    if (!retrying) order = await this.deps.repository.transition(orderId, 'cancelled', { reason: 'customer_cancelled', failureReason: 'customer_cancelled' });
    await this.deps.stock.release(orderId);
    if (order.paymentId) await this.deps.payments.refund({ paymentId: order.paymentId, amount: order.total, idempotencyKey: `refund:${orderId}` });
    return order;
  }

  /** confirmed → shipped (admin). */
  ship(orderId: string): Promise<Order> {
    return this.deps.repository.transition(orderId, 'shipped', { reason: 'shipped' });
  }

  /** shipped → delivered (admin). */
  deliver(orderId: string): Promise<Order> {
    return this.deps.repository.transition(orderId, 'delivered', { reason: 'delivered' });
  }

  private async ownOrder(userId: string, orderId: string): Promise<Order> {
    const order = await this.deps.repository.findOrder(orderId);
    if (!order || order.userId !== userId) throw new AppError('not_found', 'No such order');
    return order;
  }
}
