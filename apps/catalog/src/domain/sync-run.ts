import type { BulkUpsertReport, FinishSyncRunBody, OpenSyncRunBody, SyncRejection, SyncRunStatus, SyncRunView, SyncTrigger } from '@shop/contracts';

/** Rejections stored per run (the count keeps counting past it): a broken feed must not grow one row without bound. */
export const MAX_STORED_REJECTIONS = 200;
/** Error messages stored per run. */
export const MAX_STORED_ERRORS = 50;

/** A sync run as stored. */
export interface SyncRun {
  id: string;
  source: string;
  trigger: SyncTrigger;
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

/** A run just opened: running, nothing counted yet. */
export function newSyncRun(id: string, input: OpenSyncRunBody, startedAt: Date): SyncRun {
  return {
    id,
    source: input.source,
    trigger: input.trigger,
    status: 'running',
    startedAt,
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
export function withFinishRecorded(run: SyncRun, finish: FinishSyncRunBody): SyncRun {
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
