import { randomUUID } from 'node:crypto';
import type { CatalogRepository, CatalogTransaction, ProductCache } from './ports';
import { ProductEventTypes, type ProductChangedData } from './product-events';
import { isReadyToSettle, withFinishRecorded, type FinishSyncRun, type OpenSyncRun, type SyncRun } from './sync-run';
import { AppError } from '@shop/kernel';

/** A product a transaction changed: its cache entries must go once it commits. */
export interface TouchedProduct {
  id: string;
  skus: string[];
}

/**
 * Settles a locked run when it is ready (finish recorded, every announced batch applied): a complete run archives
 * the source's active products it did not see and succeeds; an incomplete one archives nothing and is partial.
 * Called by the finish and by each batch of the run, whichever comes last. Returns the run and what it archived.
 */
export async function settleSyncRunIfReady(tx: CatalogTransaction, run: SyncRun, now: Date): Promise<{ run: SyncRun; touched: TouchedProduct[] }> {
  if (!isReadyToSettle(run)) return { run, touched: [] };
  const archived = run.complete ? await tx.archiveProductsNotSeenInRun(run, now) : [];
  for (const product of archived) {
    await tx.enqueueProductEvent(ProductEventTypes.updated, product.id, {
      productId: product.id,
      sku: product.sku,
      version: product.version,
      changes: { status: 'archived' },
      actor: { system: 'catalog-sync', source: run.source },
    } satisfies ProductChangedData);
  }
  const settled: SyncRun = { ...run, status: run.complete ? 'succeeded' : 'partial', archived: archived.length, finishedAt: now };
  await tx.saveSyncRun(settled);
  return { run: settled, touched: archived.map((product) => ({ id: product.id, skus: [product.sku] })) };
}

/** What the sync-run service needs. */
export interface SyncRunServiceDeps {
  repository: CatalogRepository;
  cache: ProductCache;
  /** Called after a transaction that enqueued events has committed (nudges the outbox relay). */
  onEventsCommitted: () => void;
  logger: { warn(details: object, message: string): void };
  clock?: () => Date;
  newId?: () => string;
}

/**
 * Runs of the external catalog sync: the sync opens a run, sends its batches on the catalog-sync topic (each
 * counted into the run once, see CatalogService.bulkUpsertProducts), then finishes it with what it fetched and
 * refused. Batches travel asynchronously, so the run settles when the last of finish and batches arrives.
 */
export class SyncRunService {
  private readonly clock: () => Date;
  private readonly newId: () => string;

  constructor(private readonly deps: SyncRunServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
  }

  /** Opens a run of `source`. */
  async openRun(input: OpenSyncRun): Promise<SyncRun> {
    const run: SyncRun = {
      id: this.newId(),
      source: input.source,
      trigger: input.trigger,
      status: 'running',
      startedAt: this.clock(),
      finishedAt: null,
      complete: null,
      fetched: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      archived: 0,
      rejected: [],
      rejectedCount: 0,
      errors: [],
      batchesExpected: null,
      batchesApplied: 0,
    };
    await this.deps.repository.transaction((tx) => tx.insertSyncRun(run));
    return run;
  }

  /**
   * Records the sync's own account of the run and settles it when every announced batch is already applied.
   * A repeated finish (the caller retrying a lost answer) changes nothing and answers the run as it is.
   */
  async finishRun(runId: string, finish: FinishSyncRun): Promise<SyncRun> {
    const { run, touched } = await this.deps.repository.transaction(async (tx) => {
      const current = await tx.lockSyncRun(runId);
      if (!current) throw new AppError('not_found', `No sync run ${runId}`);
      if (current.batchesExpected !== null) return { run: current, touched: [] };
      const recorded = withFinishRecorded(current, finish);
      await tx.saveSyncRun(recorded);
      return settleSyncRunIfReady(tx, recorded, this.clock());
    });
    await this.afterCommit(touched);
    return run;
  }

  async getRun(runId: string): Promise<SyncRun> {
    const run = await this.deps.repository.findSyncRun(runId);
    if (!run) throw new AppError('not_found', `No sync run ${runId}`);
    return run;
  }

  /** Runs, newest first. */
  listRuns(query: { source?: string; limit: number }): Promise<SyncRun[]> {
    return this.deps.repository.listSyncRuns(query);
  }

  private async afterCommit(touched: TouchedProduct[]): Promise<void> {
    if (touched.length === 0) return;
    this.deps.onEventsCommitted();
    await Promise.all(
      touched.map(({ id, skus }) =>
        this.deps.cache.invalidate(id, skus).catch((error: unknown) => this.deps.logger.warn({ err: error, productId: id }, 'product cache invalidation failed')),
      ),
    );
  }
}
