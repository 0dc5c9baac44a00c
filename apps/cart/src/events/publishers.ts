import { createHash } from 'node:crypto';
import { EventTypes, Topics, type CartAbandonedData } from '@shop/contracts';
import type { EventBus } from '@shop/building-blocks';
import type { AbandonedCartNotices } from '../domain/ports';

/**
 * The event id of a reminder: derived from the user and the cart version it is about, so a publish that is retried
 * after an unclear failure carries the same id and consumers (deduplicating on ids) send one email.
 */
export function abandonedCartEventId(notice: Pick<CartAbandonedData, 'userId' | 'lastUpdatedAt'>): string {
  const hex = createHash('sha256').update(`${EventTypes.cartAbandoned}\n${notice.userId}\n${notice.lastUpdatedAt}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Publishes `cart.abandoned` on the `carts` topic through the cart's event bus (subject: the user id). */
export class EventBusAbandonedCartNotices implements AbandonedCartNotices {
  constructor(private readonly eventBus: EventBus) {}

  async publish(notice: CartAbandonedData): Promise<void> {
    // Exactly the contract's members, whatever else the caller's object carries.
    const data: CartAbandonedData = { userId: notice.userId, itemCount: notice.itemCount, subtotal: notice.subtotal, lastUpdatedAt: notice.lastUpdatedAt };
    await this.eventBus.publish(Topics.carts, { type: EventTypes.cartAbandoned, id: abandonedCartEventId(notice), subject: notice.userId, data });
  }
}
