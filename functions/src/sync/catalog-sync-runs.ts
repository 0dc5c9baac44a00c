import { CatalogInternalPaths } from '@shop/contracts';
import type { RejectedRecord } from './upsert-record';

/** How a sync run was started. */
export type SyncTrigger = 'timer' | 'manual' | 'cli';

/** An open run, as catalog answers `POST /internal/catalog/sync-runs`. */
export interface OpenedSyncRun {
  runId: string;
  source: string;
  startedAt: string;
}

/** What the sync reports when it has sent all it will send. */
export interface FinishSyncRunRequest {
  /** False when any page or batch failed: catalog then archives nothing. */
  complete: boolean;
  batches: number;
  fetched: number;
  rejected: RejectedRecord[];
  errors: string[];
}

/** Catalog's answer to finish (counts may be absent until catalog has applied every batch). */
export interface FinishedSyncRun {
  created?: number;
  updated?: number;
  unchanged?: number;
  archived?: number;
  [key: string]: unknown;
}

/** Port: catalog's sync-run lifecycle. */
export interface CatalogSyncRuns {
  openRun(source: string, trigger: SyncTrigger): Promise<OpenedSyncRun>;
  finishRun(runId: string, report: FinishSyncRunRequest): Promise<FinishedSyncRun>;
}

/** Options of the HTTP client of catalog's sync-run endpoints. */
export interface HttpCatalogSyncRunsOptions {
  catalogUrl: string;
  /** Sent as `dapr-api-token` when set. */
  appApiToken?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Calls catalog's internal sync-run endpoints over HTTP (directly or through the Dapr sidecar). */
export class HttpCatalogSyncRuns implements CatalogSyncRuns {
  constructor(private readonly options: HttpCatalogSyncRunsOptions) {}

  async openRun(source: string, trigger: SyncTrigger): Promise<OpenedSyncRun> {
    const body = await this.post(CatalogInternalPaths.syncRuns, { source, trigger });
    const run = body as Partial<OpenedSyncRun>;
    if (typeof run?.runId !== 'string') throw new Error('catalog answered the sync-run request without a runId');
    return { runId: run.runId, source: run.source ?? source, startedAt: run.startedAt ?? new Date().toISOString() };
  }

  async finishRun(runId: string, report: FinishSyncRunRequest): Promise<FinishedSyncRun> {
    return ((await this.post(CatalogInternalPaths.finishSyncRun(runId), report)) ?? {}) as FinishedSyncRun;
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.options.appApiToken) headers['dapr-api-token'] = this.options.appApiToken;
    const response = await (this.options.fetch ?? fetch)(new URL(path, this.options.catalogUrl), {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`catalog answered ${response.status} to POST ${path}: ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }
}
