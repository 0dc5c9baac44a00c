import { EventTypes } from '@shop/contracts';
import type { Actor } from './ports';

/** Who acted, as events carry it: an admin's id and email, or the system that synced. */
export type EventActor = { userId: string; email: string } | { system: string; source?: string };

/** Data of `product.created` and `product.updated`: the changed fields with their new values. */
export interface ProductChangedData {
  productId: string;
  sku: string;
  version: number;
  changes: Record<string, unknown>;
  actor: EventActor;
}

/** Data of `product.deleted`. */
export interface ProductDeletedData {
  productId: string;
  sku: string;
  actor: EventActor;
}

/** Product event types this service publishes on `Topics.products`. */
export const ProductEventTypes = {
  created: EventTypes.productCreated,
  updated: EventTypes.productUpdated,
  deleted: EventTypes.productDeleted,
} as const;

/** The actor as written into events. */
export function eventActorOf(actor: Actor | undefined): EventActor {
  if (!actor) return { system: 'unknown' };
  if (actor.kind === 'user') return { userId: actor.userId, email: actor.email };
  return actor.source ? { system: actor.name, source: actor.source } : { system: actor.name };
}
