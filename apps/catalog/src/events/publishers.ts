import { EventTypes, Topics } from '@shop/contracts';
import type { EventBus } from '@shop/building-blocks';
import type { Logger } from '@shop/platform';
import type { CatalogAnalytics } from '../domain/ports';

/** Longest search text sent to analytics; longer input is cut (it is not a search anyone types). */
const MAX_QUERY_LENGTH = 200;

/**
 * Reports anonymous product views and searches on the analytics topic. Publishing happens after the response
 * is under way (setImmediate) and is never awaited: a slow or failing broker costs the request nothing and is
 * only logged. Analytics is lossy by design, so there is no outbox here.
 */
export class AnalyticsPublisher implements CatalogAnalytics {
  constructor(
    private readonly eventBus: EventBus,
    private readonly logger: Logger,
  ) {}

  productViewed(view: { productId: string; sku: string }): void {
    this.publishLater(EventTypes.productViewed, view.productId, view);
  }

  catalogSearched(search: { q?: string; category?: string; brand?: string; sort: string; resultCount: number; page: 'first' | 'next' }): void {
    this.publishLater(EventTypes.catalogSearched, undefined, { ...search, q: search.q?.slice(0, MAX_QUERY_LENGTH) });
  }

  private publishLater(type: string, subject: string | undefined, data: unknown): void {
    setImmediate(() => {
      try {
        this.eventBus.publish(Topics.analytics, { type, subject, data }).catch((error: unknown) => this.logger.warn({ err: error, type }, 'analytics event not published'));
      } catch (error) {
        this.logger.warn({ err: error, type }, 'analytics event not published');
      }
    });
  }
}
