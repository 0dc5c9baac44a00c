import type { Category, ProductWrites } from './ports';
import type { ProductWithAvailability } from './product';
import type { SyncRun } from './sync-run';

/** A product a complete run archived, with its new version. */
export interface ArchivedProduct {
  id: string;
  sku: string;
  version: number;
}

/** Port: the sync runs, and the transactions that apply sync batches and settle runs. */
export interface CatalogSyncRepository {
  findSyncRun(id: string): Promise<SyncRun | undefined>;
  /** Sync runs, newest first, optionally of one source. */
  listSyncRuns(query: { source?: string; limit: number }): Promise<SyncRun[]>;
  /** Runs `work` in one database transaction: its changes, its inbox claim and its enqueued events commit together or not at all. */
  transaction<T>(work: (tx: CatalogSyncTransaction) => Promise<T>): Promise<T>;
}

/** Port: what a sync transaction can do. */
export interface CatalogSyncTransaction extends ProductWrites {
  /** Records that `consumer` handles `eventId`; false when it was handled before. */
  claimInboxEvent(consumer: string, eventId: string): Promise<boolean>;
  /** Reads (and locks) the product a sync source knows by `externalId`. */
  lockProductBySourceKey(source: string, externalId: string): Promise<ProductWithAvailability | undefined>;
  /** The category at `names` (root first), creating the missing ones. */
  ensureCategoryPath(names: string[]): Promise<Category>;
  insertSyncRun(run: SyncRun): Promise<void>;
  /** Reads a sync run and locks it until the transaction ends (serialises its batches and its finish). */
  lockSyncRun(id: string): Promise<SyncRun | undefined>;
  /** Writes a run's counters, lists and status. */
  saveSyncRun(run: SyncRun): Promise<void>;
  /** Stamps the source's products with these external ids as seen by the run. */
  markSeenInRun(source: string, externalIds: string[], runId: string): Promise<void>;
  /**
   * Archives (never deletes) the source's active products the run did not see, leaving alone those a newer run saw,
   * and bumps their version; clears their content hash so that a product coming back is applied again.
   */
  archiveProductsNotSeenInRun(run: Pick<SyncRun, 'id' | 'source' | 'startedAt'>, now: Date): Promise<ArchivedProduct[]>;
  /** Runs `work` so that when it throws, only its own changes are rolled back (a savepoint); unique violations surface as DuplicateKeyError. */
  isolated<T>(work: () => Promise<T>): Promise<T>;
}
