import type { HistoryInterval, ProductHistory } from '@shop/contracts';
import type { ProductWithAvailability } from './product';

/** Where a page of the partner feed ended: the last product's change time (epoch microseconds, exact) and id. */
export interface PartnerFeedPosition {
  updatedAtMicros: number;
  id: string;
}

/** One page request of the partner feed: active products in (updated_at, id) order. */
export interface PartnerFeedQuery {
  /** Rows wanted; the repository answers one more when there is a next page. */
  limit: number;
  after?: PartnerFeedPosition;
  /** Category slug; subcategories are included. */
  category?: string;
  /** Only products changed at or after this instant (an RFC 3339 timestamp, full precision kept). */
  updatedSince?: string;
}

/** A product of the feed with its exact position (timestamps in Postgres have microseconds, JS dates milliseconds). */
export interface PartnerFeedItem {
  product: ProductWithAvailability;
  position: PartnerFeedPosition;
}

/** Port: the reads of the partner feed (may go to a read replica). */
export interface PartnerProductRepository {
  /** Up to `limit + 1` active products after `after`, in (updated_at, id) order. */
  activeProductsByChange(query: PartnerFeedQuery): Promise<PartnerFeedItem[]>;
}

/**
 * Port: the bucketed price and stock history of a product (catalog's ProductHistoryService), undefined for a product
 * that does not exist. The partner history route reads it.
 */
export interface ProductHistoryReader {
  historyOf(productId: string, query: { from: Date; to: Date; interval: HistoryInterval }): Promise<ProductHistory | undefined>;
}
