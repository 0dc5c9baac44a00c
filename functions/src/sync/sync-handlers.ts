import type { HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import { Roles, type SyncTrigger } from '@shop/contracts';
import { runCatalogSync, type CatalogSyncSummary } from './run-catalog-sync';
import type { SyncRuntime } from './sync-runtime';
import { AppError } from '@shop/kernel';

/** A source whose run could not even start or finish (catalog unreachable...). */
export interface FailedSyncRun {
  source: string;
  error: string;
}

/** The outcome of syncing several sources: one failing source never stops the others. */
export interface SyncRunsResult {
  runs: CatalogSyncSummary[];
  failed: FailedSyncRun[];
}

async function syncSources(runtime: SyncRuntime, names: string[], trigger: SyncTrigger, context: InvocationContext): Promise<SyncRunsResult> {
  const result: SyncRunsResult = { runs: [], failed: [] };
  for (const name of names) {
    const source = runtime.sources.get(name)!;
    try {
      const summary = await runCatalogSync(
        { source, trigger },
        {
          catalog: runtime.catalog,
          publisher: runtime.publisher,
          batchSize: runtime.batchSize,
          onProgress: (p) => context.debug(`catalog sync ${p.source} page ${p.pageNumber}${p.pageFailed ? ' FAILED' : ''}: fetched ${p.fetched}, rejected ${p.rejected}, batches ${p.sentBatches}`),
        },
      );
      const { rejected, ...rest } = summary;
      const log = summary.complete ? context.log.bind(context) : context.warn.bind(context);
      log(`catalog sync ${name} finished`, JSON.stringify({ ...rest, rejectedCount: rejected.length, rejected: rejected.slice(0, 20) }));
      result.runs.push(summary);
    } catch (error) {
      context.error(`catalog sync ${name} failed: ${(error as Error).message}`);
      result.failed.push({ source: name, error: (error as Error).message });
    }
  }
  return result;
}

function problem(status: number, title: string, detail: string): HttpResponseInit {
  return { status, headers: { 'content-type': 'application/problem+json' }, jsonBody: { type: 'about:blank', title, status, detail } };
}

/** The sync's Functions handlers over a runtime built lazily once (settings are validated on first use, not at host load). */
export function createCatalogSyncHandlers(getRuntime: () => SyncRuntime) {
  return {
    /** Timer trigger: syncs every configured source, one after the other. */
    // Arrow functions: the host calls the handlers detached from this object.
    catalogSyncTimer: async (timer: Timer, context: InvocationContext): Promise<SyncRunsResult> => {
      if (timer.isPastDue) context.warn('catalog sync timer is past due (a missed occurrence); running now');
      const runtime = getRuntime();
      return syncSources(runtime, [...runtime.sources.keys()], 'timer', context);
    },

    /** HTTP trigger `POST /api/sync/{source?}`: function key (host) + an admin bearer token → 202 with the summaries. */
    catalogSyncManual: async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
      const runtime = getRuntime();
      if (!runtime.verifier) return problem(503, 'Temporarily unavailable', 'Admin tokens cannot be verified: AUTH_JWKS_URL is not set');
      const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
      if (!match) return problem(401, 'Authentication is required', 'An admin bearer token is required');
      let roles: string[];
      try {
        roles = (await runtime.verifier.verify(match[1])).roles;
      } catch (error) {
        if (error instanceof AppError && error.type === 'unauthorized') return problem(401, 'Authentication is required', error.detail);
        throw error;
      }
      if (!roles.includes(Roles.admin)) return problem(403, 'Not allowed', 'Only admins can start a catalog sync');
      const requested = request.params.source;
      if (requested && !runtime.sources.has(requested)) return problem(404, 'Not found', `No sync source named ${requested}`);
      const result = await syncSources(runtime, requested ? [requested] : [...runtime.sources.keys()], 'manual', context);
      return { status: 202, jsonBody: result };
    },
  };
}
