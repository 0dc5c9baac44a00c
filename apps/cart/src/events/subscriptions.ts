import { AppIds, EventTypes, orderConfirmedEventDataSchema, Topics, type OrderEventData } from '@shop/contracts';
import type { CloudEvent, DeliveryOutcome, EventBus, EventHandler, SubscriptionOptions } from '@shop/building-blocks';
import { type Logger } from '@shop/kernel';
import type { CartService, ConfirmedOrder } from '../domain/cart.service';

/** The inbox consumer name of the order-confirmed handler (processed ids: `inbox:cart:<eventId>`). */
export const orderConfirmedConsumer = AppIds.cart;

/** order.confirmed as the order contract defines it; an order without lines has nothing the cart could act on. */
const orderConfirmedDataSchema = orderConfirmedEventDataSchema.refine((order) => order.lines.length > 0, { error: 'an order has at least one line', path: ['lines'] });

/** What the cart takes from a confirmed order: order and product ids lower-cased, as the cart keeps them. */
function confirmedOrderOf(data: Pick<OrderEventData, 'orderId' | 'userId' | 'lines' | 'cartTaken'>): ConfirmedOrder {
  return {
    orderId: data.orderId.toLowerCase(),
    userId: data.userId,
    lines: data.lines.map((line) => ({ productId: line.productId.toLowerCase(), quantity: line.quantity })),
    ...(data.cartTaken === true ? { cartTaken: true } : {}),
  };
}

/**
 * Handles the `orders` topic: on `order.confirmed`, drops the order's hold on the user's cart (its lines left the
 * cart when the checkout took it); for an order that never took the cart (confirmed by an order service of the
 * previous release during a rolling deploy), takes the ordered quantities out of the cart's lines instead. Once per
 * event id. SUCCESS when applied, already applied, or not an order.confirmed event (the topic carries every order
 * event); DROP when the data is malformed (it never will be processable); RETRY when the state store fails.
 */
export function orderConfirmedHandler(service: CartService, logger: Logger): EventHandler<unknown> {
  return async (event: CloudEvent<unknown>): Promise<DeliveryOutcome> => {
    if (event.type !== EventTypes.orderConfirmed) return 'SUCCESS';
    const data = orderConfirmedDataSchema.safeParse(event.data);
    if (!data.success) {
      logger.warn({ eventId: event.id, issues: data.error.issues.slice(0, 5) }, 'malformed order.confirmed event; dropping');
      return 'DROP';
    }
    try {
      const outcome = await service.applyConfirmedOrder(event.id, confirmedOrderOf(data.data));
      logger.info({ eventId: event.id, orderId: data.data.orderId, outcome }, 'order.confirmed applied to the cart');
      return 'SUCCESS';
    } catch (error) {
      logger.error({ err: error, eventId: event.id, orderId: data.data.orderId }, 'could not apply order.confirmed to the cart; will retry');
      return 'RETRY';
    }
  };
}

/**
 * Subscribes the cart's handlers; call before the bus starts. Group `cart` in one region; in several,
 * `regionalSubscription(AppIds.cart, region)` on the regional bus.
 */
export function subscribeCartHandlers(eventBus: EventBus, handleOrderConfirmed: EventHandler<unknown>, subscription: SubscriptionOptions = { group: AppIds.cart }): void {
  eventBus.subscribe(Topics.orders, handleOrderConfirmed, subscription);
}
