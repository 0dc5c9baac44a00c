import type { BulkUpsertReport, FinishSyncRunBody, MediaSweepReport } from '@shop/contracts';

/** What a stock-reservation call came to, as `stock_reservations_total{action, outcome}` counts it. */
export type ReservationAction = 'reserve' | 'commit' | 'release' | 'release_expired';

/**
 * What the catalog's adapters report for its metrics: the supplier sync, the stock reservations of the checkout and
 * the media sweep.
 * A port: the Prometheus implementation is an adapter (http/prometheus-catalog-metrics.ts).
 */
export interface CatalogMetrics {
  /** The sync reported a run's finish: counts the run by outcome and the errors it reported. */
  syncRunFinished(source: string, finish: FinishSyncRunBody): void;
  /** A sync batch was applied (from the catalog-sync topic or the bulk upsert route): counts its records by result. */
  syncBatchApplied(source: string, report: BulkUpsertReport): void;
  /** A reservation call answered (`ok`) or was refused or failed (`refused`). */
  reservation(action: ReservationAction, outcome: 'ok' | 'refused', count?: number): void;
  /** A media sweep finished: counts the sweep and the objects it deleted. */
  mediaSwept(report: MediaSweepReport): void;
}
