import {
  CatalogInternalPaths,
  openedSyncRunSchema,
  syncRunViewSchema,
  type FinishSyncRunBody,
  type OpenSyncRunBody,
  type OpenedSyncRun,
  type SyncRunView,
  type SyncTrigger,
} from '@shop/contracts';

/** Catalog's answer to finish: the run (its counts may still be zero while catalog waits for batches). */
export type FinishedSyncRun = Partial<SyncRunView>;

/** An open-run answer without the run id is unusable; the source and start time default to what was asked, now. */
const openedRunReplySchema = openedSyncRunSchema.partial({ source: true, startedAt: true });

/** The counts of a finish answer that has them; what does not match the run's shape is left out. */
const finishedRunReplySchema = syncRunViewSchema.partial();

/** Port: catalog's sync-run lifecycle. */
export interface CatalogSyncRuns {
  openRun(source: string, trigger: SyncTrigger): Promise<OpenedSyncRun>;
  finishRun(runId: string, report: FinishSyncRunBody): Promise<FinishedSyncRun>;
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
    const body = await this.post(CatalogInternalPaths.syncRuns, { source, trigger } satisfies OpenSyncRunBody);
    const run = openedRunReplySchema.safeParse(body);
    if (!run.success) throw new Error('catalog answered the sync-run request without a runId');
    return { runId: run.data.runId, source: run.data.source ?? source, startedAt: run.data.startedAt ?? new Date().toISOString() };
  }

  async finishRun(runId: string, report: FinishSyncRunBody): Promise<FinishedSyncRun> {
    const run = finishedRunReplySchema.safeParse((await this.post(CatalogInternalPaths.finishSyncRun(runId), report)) ?? {});
    return run.success ? run.data : {};
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
