import { Topics } from '@shop/contracts';
import { claimInboxEvent as claimInboxEventRow, enqueueEvent } from '@shop/outbox';
import type { SqlExecutor } from '@shop/postgres';
import type { ProductEvent } from '../domain/product-events';
import type { InventoryEvent } from '../domain/reservation';

// The one place the catalog reaches the outbox and inbox tables (@shop/outbox): which events it enqueues, on which
// topic, and how it claims an inbound event. Repositories call these inside their own transactions.
export { migrateOutbox, OutboxRelay } from '@shop/outbox';

/** Writes a product event to the outbox (`Topics.products`) in the transaction of `sql`; the relay publishes it after commit. */
export async function enqueueProductEvent(sql: SqlExecutor, event: ProductEvent): Promise<void> {
  await enqueueEvent(sql, Topics.products, { type: event.type, subject: event.subject, data: event.data });
}

/** Writes an inventory event to the outbox (`Topics.inventory`) in the transaction of `sql`. */
export async function enqueueInventoryEvent(sql: SqlExecutor, event: InventoryEvent): Promise<void> {
  await enqueueEvent(sql, Topics.inventory, { type: event.type, subject: event.subject, data: event.data });
}

/** Records in the inbox that `consumer` handles `eventId`, in the transaction of `sql`; false when it was handled before. */
export function claimInboxEvent(sql: SqlExecutor, consumer: string, eventId: string): Promise<boolean> {
  return claimInboxEventRow(sql, consumer, eventId);
}
