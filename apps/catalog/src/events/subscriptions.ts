import type { CloudEvent, DeliveryOutcome, EventBus } from '@shop/building-blocks';
import { AppIds, EventTypes, Topics, syncBatchEventSchema } from '@shop/contracts';
import type { Logger } from '@shop/kernel';
import type { CatalogSyncService } from '../domain/catalog-sync.service';
import type { CatalogMetrics } from '../domain/catalog-metrics';

/** The inbox consumer name of the catalog-sync handler (deduplication is per consumer). */
export const catalogSyncConsumer = 'catalog.catalog-sync';

/**
 * Handles a `catalog.sync.batch` event: applies the batch through the bulk upsert, once per event id.
 * SUCCESS when applied (or applied before), DROP when the event can never be applied (wrong type or shape),
 * RETRY when applying failed (the database is unavailable...).
 */
export function catalogSyncHandler(catalogSync: CatalogSyncService, logger: Logger, metrics?: CatalogMetrics): (event: CloudEvent<unknown>) => Promise<DeliveryOutcome> {
  return async (event) => {
    if (event.type !== EventTypes.catalogSyncBatch) {
      logger.warn({ eventId: event.id, type: event.type }, 'unexpected event type on the catalog-sync topic; dropping');
      return 'DROP';
    }
    const batch = syncBatchEventSchema.safeParse(event.data);
    if (!batch.success) {
      logger.warn({ eventId: event.id, issues: batch.error.issues.slice(0, 5) }, 'malformed catalog sync batch; dropping');
      return 'DROP';
    }
    try {
      const { runId, ...products } = batch.data;
      const outcome = await catalogSync.bulkUpsertProducts({ actor: { kind: 'system', name: 'catalog-sync', source: products.source } }, products, {
        inboxEventId: event.id,
        consumer: catalogSyncConsumer,
        runId,
      });
      if (outcome === 'duplicate') {
        logger.info({ eventId: event.id }, 'catalog sync batch already applied');
      } else {
        metrics?.syncBatchApplied(products.source, outcome);
        const level = outcome.rejected.length > 0 ? 'warn' : 'info';
        logger[level]({ eventId: event.id, source: batch.data.source, runId: batch.data.runId, ...outcome, rejected: outcome.rejected.slice(0, 20) }, 'catalog sync batch applied');
      }
      return 'SUCCESS';
    } catch (error) {
      logger.error({ err: error, eventId: event.id }, 'catalog sync batch failed; will retry');
      return 'RETRY';
    }
  };
}

/** Subscribes the catalog's handlers; call before the bus starts. */
export function subscribeCatalogHandlers(eventBus: EventBus, catalogSync: CatalogSyncService, logger: Logger, metrics?: CatalogMetrics): void {
  eventBus.subscribe(Topics.catalogSync, catalogSyncHandler(catalogSync, logger, metrics), { group: AppIds.catalog });
}
