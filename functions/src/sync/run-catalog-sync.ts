import type { SyncRecord, SyncRejection, SyncTrigger } from '@shop/contracts';
import type { CatalogSyncRuns } from './catalog-sync-runs';
import type { ProductSource } from './product-source';
import type { SyncBatchPublisher } from './sync-batch-publisher';

/** Progress after each page. */
export interface SyncProgress {
  source: string;
  runId: string;
  pageNumber: number;
  pageFailed: boolean;
  fetched: number;
  rejected: number;
  sentBatches: number;
}

/** What one sync run did. */
export interface CatalogSyncSummary {
  source: string;
  runId: string;
  trigger: SyncTrigger;
  started: string;
  finished: string;
  /** True when every page was read and every batch sent: only then may catalog archive what it did not see. */
  complete: boolean;
  /** Raw records read from the supplier. */
  fetched: number;
  sentBatches: number;
  rejected: SyncRejection[];
  errors: string[];
  /** Catalog's counts from finishing the run (absent when catalog did not report them). */
  created?: number;
  updated?: number;
  unchanged?: number;
  archived?: number;
}

/** What a run needs. */
export interface CatalogSyncDeps {
  catalog: CatalogSyncRuns;
  publisher: SyncBatchPublisher;
  /** Products per batch. */
  batchSize: number;
  onProgress?: (progress: SyncProgress) => void;
  now?: () => Date;
}

/**
 * Syncs one source into catalog: opens a run, reads the source page by page, normalises every record (a bad one is
 * rejected with its reason, never stops the run), sends full batches as they fill, then finishes the run with
 * `complete` only if no page and no batch failed. Throws only when catalog cannot open or finish the run.
 */
export async function runCatalogSync(request: { source: ProductSource; trigger: SyncTrigger }, deps: CatalogSyncDeps): Promise<CatalogSyncSummary> {
  const now = deps.now ?? (() => new Date());
  const { source, trigger } = request;
  const run = await deps.catalog.openRun(source.name, trigger);
  const started = now().toISOString();
  const rejected: SyncRejection[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  let pending: SyncRecord[] = [];
  let fetched = 0;
  let batchNumber = 0;
  let sentBatches = 0;

  const send = async (products: SyncRecord[]) => {
    batchNumber += 1;
    try {
      await deps.publisher.publishBatch({ id: `${run.runId}:${batchNumber}`, data: { source: source.name, runId: run.runId, products } });
      sentBatches += 1;
    } catch (error) {
      errors.push(`batch ${batchNumber} (${products.length} products) not sent: ${(error as Error).message}`);
    }
  };

  for await (const page of source.pages()) {
    if (page.kind === 'failed') {
      errors.push(page.error);
    } else {
      for (const raw of page.records) {
        fetched += 1;
        const outcome = source.normalise(raw);
        if (!outcome.ok) {
          rejected.push({ externalId: outcome.externalId, reason: outcome.reason });
        } else if (seen.has(outcome.record.externalId)) {
          // Offset paging over changing data can show a record twice; the first occurrence wins.
          rejected.push({ externalId: outcome.record.externalId, reason: 'duplicate externalId in this run' });
        } else {
          seen.add(outcome.record.externalId);
          pending.push(outcome.record);
          if (pending.length >= deps.batchSize) {
            const full = pending;
            pending = [];
            await send(full);
          }
        }
      }
    }
    deps.onProgress?.({ source: source.name, runId: run.runId, pageNumber: page.pageNumber, pageFailed: page.kind === 'failed', fetched, rejected: rejected.length, sentBatches });
  }
  if (pending.length > 0) await send(pending);

  const complete = errors.length === 0;
  const counts = await deps.catalog.finishRun(run.runId, { complete, batches: sentBatches, fetched, rejected, errors });
  const summary: CatalogSyncSummary = { source: source.name, runId: run.runId, trigger, started, finished: now().toISOString(), complete, fetched, sentBatches, rejected, errors };
  for (const key of ['created', 'updated', 'unchanged', 'archived'] as const) {
    if (typeof counts[key] === 'number') summary[key] = counts[key];
  }
  return summary;
}
