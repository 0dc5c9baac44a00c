import { AppIds, EventTypes, Topics } from '@shop/contracts';
import type { CloudEvent, DeliveryOutcome, EventBus } from '@shop/building-blocks';
import { catalogSearchedSchema, normaliseSearchQuery, productViewedSchema, utcDayOf } from '../domain/analytics';
import { type Logger } from '@shop/kernel';

/** The inbox consumer name of the analytics aggregation (deduplication is per consumer). */
export const analyticsConsumer = 'order.analytics';

/** Port: the per-day analytics counters; each increment is applied once per event id (false: counted before). */
export interface AnalyticsAggregates {
  addProductViews(consumer: string, eventId: string, entry: { day: string; productId: string; sku: string; views: number }): Promise<boolean>;
  addSearch(consumer: string, eventId: string, entry: { day: string; query: string }): Promise<boolean>;
}

/**
 * Aggregates the analytics topic into daily counters for the daily report: `product.viewed` adds its view count
 * to the product's day, `catalog.searched` counts its (normalised, non-empty) query. The day is the UTC day of the
 * event's time. SUCCESS when counted, counted before, or not an event this consumer aggregates (other analytics
 * types, empty searches); DROP when the data can never be counted; RETRY when the database failed.
 */
export function analyticsHandler(aggregates: AnalyticsAggregates, logger: Logger, now: () => Date = () => new Date()): (event: CloudEvent<unknown>) => Promise<DeliveryOutcome> {
  return async (event) => {
    const time = event.time ? new Date(event.time) : now();
    const day = utcDayOf(Number.isNaN(time.getTime()) ? now() : time);
    try {
      if (event.type === EventTypes.productViewed) {
        const view = productViewedSchema.safeParse(event.data);
        if (!view.success) {
          logger.warn({ eventId: event.id, issues: view.error.issues.slice(0, 5) }, 'malformed product.viewed; dropping');
          return 'DROP';
        }
        await aggregates.addProductViews(analyticsConsumer, event.id, { day, productId: view.data.productId, sku: view.data.sku, views: view.data.views });
        return 'SUCCESS';
      }
      if (event.type === EventTypes.catalogSearched) {
        const search = catalogSearchedSchema.safeParse(event.data);
        if (!search.success) {
          logger.warn({ eventId: event.id, issues: search.error.issues.slice(0, 5) }, 'malformed catalog.searched; dropping');
          return 'DROP';
        }
        const query = normaliseSearchQuery(search.data.q);
        if (query === '') return 'SUCCESS';
        await aggregates.addSearch(analyticsConsumer, event.id, { day, query });
        return 'SUCCESS';
      }
      return 'SUCCESS';
    } catch (error) {
      logger.error({ err: error, eventId: event.id, type: event.type }, 'analytics aggregation failed; will retry');
      return 'RETRY';
    }
  };
}

/** Subscribes the order service's handlers; call before the bus starts. */
export function subscribeOrderHandlers(eventBus: EventBus, deps: { aggregates: AnalyticsAggregates; logger: Logger }): void {
  eventBus.subscribe(Topics.analytics, analyticsHandler(deps.aggregates, deps.logger), { group: AppIds.order });
}
