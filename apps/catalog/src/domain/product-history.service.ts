import type { HistoryInterval, Money, ProductHistory } from '@shop/contracts';
import type { ProductHistoryReader } from './partner-catalog.ports';

/** A product's state as one snapshot recorded it. */
export interface HistorySnapshotRecord {
  at: Date;
  price: Money;
  available: number;
}

/** The snapshots of one bucket, summarised. */
export interface HistoryBucketRecord {
  start: Date;
  price: { first: Money; last: Money; min: Money; max: Money };
  available: { first: number; last: number; min: number; max: number };
  changes: number;
}

/** Port: the reads of the product history (`product_snapshots`). */
export interface ProductHistoryRepository {
  /** Whether a product with this id exists (any status). */
  productExists(productId: string): Promise<boolean>;
  /** The latest snapshot strictly before `before`, if any. */
  lastSnapshotBefore(productId: string, before: Date): Promise<HistorySnapshotRecord | undefined>;
  /** The buckets (UTC hours or days) of [from, to) that hold snapshots, oldest first. */
  buckets(productId: string, range: { from: Date; to: Date; interval: HistoryInterval }): Promise<HistoryBucketRecord[]>;
}

/** What the product history service is built from. */
export interface ProductHistoryServiceDeps {
  repository: ProductHistoryRepository;
}

/**
 * The price and stock history of a product, bucketed by UTC hour or day, with the state before the range (`initial`)
 * so a chart can start at `from` even when the first change comes later. Undefined for a product that does not exist.
 */
export class ProductHistoryService implements ProductHistoryReader {
  constructor(private readonly deps: ProductHistoryServiceDeps) {}

  async historyOf(productId: string, query: { from: Date; to: Date; interval: HistoryInterval }): Promise<ProductHistory | undefined> {
    const [exists, initial, buckets] = await Promise.all([
      this.deps.repository.productExists(productId),
      this.deps.repository.lastSnapshotBefore(productId, query.from),
      this.deps.repository.buckets(productId, query),
    ]);
    // History outlives a deleted product in the table, but the API speaks of products that exist.
    if (!exists) return undefined;
    return {
      productId,
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      interval: query.interval,
      initial: initial ? { price: initial.price, available: initial.available, at: initial.at.toISOString() } : null,
      buckets: buckets.map((bucket) => ({ ...bucket, start: bucket.start.toISOString() })),
    };
  }
}
