import { EventTypes, Topics } from '@shop/contracts';
import type { EventBus } from '@shop/building-blocks';
import type { CatalogAnalytics } from '../domain/ports';
import { type Logger } from '@shop/kernel';

/** Longest search text sent to analytics; longer input is cut (it is not a search anyone types). */
const MAX_QUERY_LENGTH = 200;

/** How views are batched. */
export interface AnalyticsPublisherOptions {
  /** Views are counted per product and published once per product per interval. Default 1000 ms. */
  viewFlushIntervalMs?: number;
}

interface ViewCount {
  sku: string;
  views: number;
}

/**
 * Reports anonymous product views and searches on the analytics topic, off the request path and never awaited: a
 * slow or failing broker costs the request nothing and is only logged. Analytics is lossy by design (no outbox).
 *
 * Views are aggregated: one `product.viewed` event per product per interval carries the number of views, so a
 * flash sale's page views do not become one broker message each (Service Bus bills and throttles per message).
 */
export class AnalyticsPublisher implements CatalogAnalytics {
  private viewWindowStart = new Date();
  private views = new Map<string, ViewCount>();
  private flushTimer?: NodeJS.Timeout;
  private readonly flushIntervalMs: number;

  constructor(
    private readonly eventBus: EventBus,
    private readonly logger: Logger,
    options: AnalyticsPublisherOptions = {},
  ) {
    this.flushIntervalMs = options.viewFlushIntervalMs ?? 1000;
  }

  productViewed(view: { productId: string; sku: string }): void {
    const counted = this.views.get(view.productId);
    if (counted) counted.views += 1;
    else this.views.set(view.productId, { sku: view.sku, views: 1 });
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => void this.flush(), this.flushIntervalMs);
      this.flushTimer.unref();
    }
  }

  catalogSearched(search: { q?: string; category?: string; brand?: string; sort: string; resultCount: number; page: 'first' | 'next' }): void {
    setImmediate(() => void this.publish(EventTypes.catalogSearched, undefined, { ...search, q: search.q?.slice(0, MAX_QUERY_LENGTH) }));
  }

  /** Publishes the views counted so far (one event per product) and starts a new window. */
  async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const counted = this.views;
    const from = this.viewWindowStart.toISOString();
    const to = new Date().toISOString();
    this.views = new Map();
    this.viewWindowStart = new Date();
    await Promise.all(
      [...counted].map(([productId, { sku, views }]) => this.publish(EventTypes.productViewed, productId, { productId, sku, views, from, to })),
    );
  }

  /** Publishes what is still counted; call on shutdown. */
  async close(): Promise<void> {
    await this.flush();
  }

  private async publish(type: string, subject: string | undefined, data: unknown): Promise<void> {
    try {
      await this.eventBus.publish(Topics.analytics, { type, subject, data });
    } catch (error) {
      this.logger.warn({ err: error, type }, 'analytics event not published');
    }
  }
}
