import { z } from 'zod';
import { AppIds, EventTypes, Topics } from '@shop/contracts';
import type { CloudEvent, DeliveryOutcome, EventBus, EventHandler } from '@shop/building-blocks';
import type { CartService } from '../domain/cart.service';
import { type Logger } from '@shop/kernel';

/** The inbox consumer name of the order-confirmed handler (processed ids: `inbox:cart:<eventId>`). */
export const orderConfirmedConsumer = AppIds.cart;

/** What the cart reads from an `order.confirmed` event; other fields of the order are ignored. */
const orderConfirmedDataSchema = z.object({
  orderId: z.string().min(1),
  userId: z.string().min(1),
  lines: z
    .array(z.object({ productId: z.string().min(1).transform((id) => id.toLowerCase()), quantity: z.number().int().positive() }))
    .min(1),
});

/**
 * Handles the `orders` topic: on `order.confirmed`, takes the ordered quantities out of the user's cart, once per
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
      const outcome = await service.applyConfirmedOrder(event.id, data.data);
      logger.info({ eventId: event.id, orderId: data.data.orderId, outcome }, 'order.confirmed applied to the cart');
      return 'SUCCESS';
    } catch (error) {
      logger.error({ err: error, eventId: event.id, orderId: data.data.orderId }, 'could not apply order.confirmed to the cart; will retry');
      return 'RETRY';
    }
  };
}

/** Subscribes the cart's handlers (group `cart`); call before the bus starts. */
export function subscribeCartHandlers(eventBus: EventBus, handleOrderConfirmed: EventHandler<unknown>): void {
  eventBus.subscribe(Topics.orders, handleOrderConfirmed, { group: AppIds.cart });
}
