import { EventTypes, type EventActor, type ProductChangedData, type ProductDeletedData } from '@shop/contracts';
import type { Actor } from './ports';

/** Product event types this service publishes on `Topics.products`. */
export const ProductEventTypes = {
  created: EventTypes.productCreated,
  updated: EventTypes.productUpdated,
  deleted: EventTypes.productDeleted,
} as const;

/** A product event as the outbox takes it (subject: the product id), its data typed by the contract of its type. */
export type ProductEvent =
  | { type: typeof ProductEventTypes.created | typeof ProductEventTypes.updated; subject: string; data: ProductChangedData }
  | { type: typeof ProductEventTypes.deleted; subject: string; data: ProductDeletedData };

/** `product.created` or `product.updated` of a product. */
export function productChanged(type: typeof ProductEventTypes.created | typeof ProductEventTypes.updated, data: ProductChangedData): ProductEvent {
  return { type, subject: data.productId, data };
}

/** `product.deleted` of a product. */
export function productDeleted(data: ProductDeletedData): ProductEvent {
  return { type: ProductEventTypes.deleted, subject: data.productId, data };
}

/** The actor as written into events. */
export function eventActorOf(actor: Actor): EventActor {
  if (actor.kind === 'user') return { userId: actor.userId, email: actor.email };
  return actor.source ? { system: actor.name, source: actor.source } : { system: actor.name };
}
