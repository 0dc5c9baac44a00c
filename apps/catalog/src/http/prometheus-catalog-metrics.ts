import type { ServiceMetrics } from '@shop/platform';
import type { CatalogMetrics } from '../domain/catalog-metrics';

/**
 * Registers the catalog's counters. The sync runs in the Functions app, which has no scrape endpoint: the catalog
 * sees every run through its internal API (open, batches, finish), so it counts them.
 */
export function createCatalogMetrics(metrics: ServiceMetrics): CatalogMetrics {
  const runs = metrics.counter({
    name: 'supplier_sync_runs_total',
    help: 'Supplier sync runs by source and outcome (succeeded: the whole feed was read; partial: a page or a batch failed)',
    labelNames: ['source', 'outcome'] as const,
  });
  const errors = metrics.counter({
    name: 'supplier_sync_errors_total',
    help: 'Errors the supplier sync reported with its runs (failed supplier pages, batches that could not be sent)',
    labelNames: ['source'] as const,
  });
  const items = metrics.counter({
    name: 'supplier_sync_items_total',
    help: 'Records of supplier sync batches by result (created, updated, unchanged, rejected)',
    labelNames: ['source', 'result'] as const,
  });
  const reservations = metrics.counter({
    name: 'stock_reservations_total',
    help: 'Stock reservation calls of the checkout by action (reserve, commit, release, release_expired) and outcome',
    labelNames: ['action', 'outcome'] as const,
  });
  const mediaSweeps = metrics.counter({ name: 'media_sweeps_total', help: 'Finished sweeps of unreferenced media (a failed sweep is logged, not counted)' });
  const mediaDeleted = metrics.counter({
    name: 'media_swept_images_total',
    help: 'Images whose media objects the sweep deleted, by why (orphaned: past the grace after their last product; unrecorded: objects with neither a row nor an orphan entry)',
    labelNames: ['reason'] as const,
  });
  const mediaObjects = metrics.counter({ name: 'media_swept_objects_total', help: 'Media objects the sweep deleted' });
  for (const reason of ['orphaned', 'unrecorded'] as const) mediaDeleted.inc({ reason }, 0);
  for (const action of ['reserve', 'commit', 'release', 'release_expired'] as const) {
    for (const outcome of ['ok', 'refused'] as const) reservations.inc({ action, outcome }, 0);
  }
  return {
    syncRunFinished(source, finish) {
      runs.inc({ source, outcome: finish.complete ? 'succeeded' : 'partial' });
      errors.inc({ source }, finish.errors.length);
      // Records the sync itself refused (it never sent them in a batch).
      items.inc({ source, result: 'rejected' }, finish.rejected.length);
    },
    syncBatchApplied(source, report) {
      items.inc({ source, result: 'created' }, report.created);
      items.inc({ source, result: 'updated' }, report.updated);
      items.inc({ source, result: 'unchanged' }, report.unchanged);
      items.inc({ source, result: 'rejected' }, report.rejected.length);
    },
    reservation(action, outcome, count = 1) {
      reservations.inc({ action, outcome }, count);
    },
    mediaSwept(report) {
      mediaSweeps.inc();
      mediaDeleted.inc({ reason: 'orphaned' }, report.orphansSwept);
      mediaDeleted.inc({ reason: 'unrecorded' }, report.unrecordedSwept);
      mediaObjects.inc(report.objectsDeleted);
    },
  };
}
