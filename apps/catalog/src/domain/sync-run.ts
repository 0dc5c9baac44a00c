import { z } from 'zod';
import { syncSourceSchema, type BulkUpsertReport } from './catalog-sync';

/** How a run was started. */
export const syncTriggers = ['timer', 'manual', 'cli'] as const;
/** Where a run is: running until its finish is recorded and every batch it announced is applied. */
export type SyncRunStatus = 'running' | 'succeeded' | 'partial' | 'failed';

/** Rejections stored per run (the count keeps counting past it): a broken feed must not grow one row without bound. */
export const MAX_STORED_REJECTIONS = 200;
/** Error messages stored per run. */
export const MAX_STORED_ERRORS = 50;

/** One record the sync or the catalog refused. */
export const syncRejectionSchema = z.strictObject({
  externalId: z.string().max(200),
  reason: z.string().max(2000),
});
export type SyncRejection = z.infer<typeof syncRejectionSchema>;

/** Body of POST /internal/catalog/sync-runs. */
export const openSyncRunSchema = z.strictObject({
  source: syncSourceSchema,
  trigger: z.enum(syncTriggers),
});
export type OpenSyncRun = z.infer<typeof openSyncRunSchema>;

/** Body of POST /internal/catalog/sync-runs/{runId}/finish. */
export const finishSyncRunSchema = z.strictObject({
  complete: z.boolean(),
  batches: z.number().int().min(0).max(1_000_000),
  fetched: z.number().int().min(0).max(1_000_000_000),
  rejected: z.array(syncRejectionSchema).max(100_000),
  errors: z.array(z.string().max(2000)).max(10_000),
});
export type FinishSyncRun = z.infer<typeof finishSyncRunSchema>;

/** A sync run as stored. */
export interface SyncRun {
  id: string;
  source: string;
  trigger: (typeof syncTriggers)[number];
  status: SyncRunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  complete: boolean | null;
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  archived: number;
  rejected: SyncRejection[];
  rejectedCount: number;
  errors: string[];
  batchesExpected: number | null;
  batchesApplied: number;
}

/** The run as the APIs show it. */
export interface SyncRunView {
  runId: string;
  source: string;
  trigger: string;
  status: SyncRunStatus;
  startedAt: string;
  finishedAt: string | null;
  complete: boolean | null;
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  archived: number;
  rejectedCount: number;
  rejected: SyncRejection[];
  errors: string[];
  batchesExpected: number | null;
  batchesApplied: number;
}

/** The API view of a run. */
export function toSyncRunView(run: SyncRun): SyncRunView {
  return {
    runId: run.id,
    source: run.source,
    trigger: run.trigger,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    complete: run.complete,
    fetched: run.fetched,
    created: run.created,
    updated: run.updated,
    unchanged: run.unchanged,
    archived: run.archived,
    rejectedCount: run.rejectedCount,
    rejected: run.rejected,
    errors: run.errors,
    batchesExpected: run.batchesExpected,
    batchesApplied: run.batchesApplied,
  };
}

/** The run after one more of its batches was applied. */
export function withBatchApplied(run: SyncRun, report: BulkUpsertReport): SyncRun {
  return {
    ...run,
    created: run.created + report.created,
    updated: run.updated + report.updated,
    unchanged: run.unchanged + report.unchanged,
    rejected: [...run.rejected, ...report.rejected].slice(0, MAX_STORED_REJECTIONS),
    rejectedCount: run.rejectedCount + report.rejected.length,
    batchesApplied: run.batchesApplied + 1,
  };
}

/** The run once the sync said it sent everything it will send. */
export function withFinishRecorded(run: SyncRun, finish: FinishSyncRun): SyncRun {
  return {
    ...run,
    complete: finish.complete,
    batchesExpected: finish.batches,
    fetched: finish.fetched,
    rejected: [...run.rejected, ...finish.rejected].slice(0, MAX_STORED_REJECTIONS),
    rejectedCount: run.rejectedCount + finish.rejected.length,
    errors: [...run.errors, ...finish.errors].slice(0, MAX_STORED_ERRORS),
  };
}

/** A running run is settled once its finish is recorded and every batch it announced has been applied. */
export function isReadyToSettle(run: SyncRun): boolean {
  return run.status === 'running' && run.batchesExpected !== null && run.batchesApplied >= run.batchesExpected;
}
