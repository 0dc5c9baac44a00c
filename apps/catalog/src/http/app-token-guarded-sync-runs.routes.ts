import { Router } from 'express';
import { CatalogInternalPaths, finishSyncRunBodySchema, openSyncRunBodySchema, type OpenedSyncRun, type SyncRunView } from '@shop/contracts';
import { parseOrThrow, requireInternalCaller } from '@shop/platform';
import type { CatalogSyncService } from '../domain/catalog-sync.service';
import { toSyncRunView } from '../domain/sync-run';
import { runIdParamsSchema } from './route-params.schemas';

/**
 * The sync's internal routes (never routed by the gateway; mounted at the root): open a run, finish it. Guarded per
 * route by Dapr's app API token when one is configured: the caller is the Functions app, not a user.
 */
export function createAppTokenGuardedSyncRunsRouter(deps: { catalogSync: CatalogSyncService; appApiToken?: string }): Router {
  const router = Router();
  const internalOnly = requireInternalCaller({ appApiToken: deps.appApiToken });

  router.post(CatalogInternalPaths.syncRuns, internalOnly, async (req, res) => {
    const input = parseOrThrow(openSyncRunBodySchema, req.body, 'body');
    const run = await deps.catalogSync.openRun(input);
    res.status(201).setHeader('Location', `/api/catalog/sync-runs/${run.id}`);
    res.json({ runId: run.id, source: run.source, startedAt: run.startedAt.toISOString() } satisfies OpenedSyncRun);
  });

  // The path builder URL-encodes its argument, so the route parameter is spliced into the path it builds.
  router.post(CatalogInternalPaths.finishSyncRun('RUN_ID').replace('RUN_ID', ':runId'), internalOnly, async (req, res) => {
    const { runId } = parseOrThrow(runIdParamsSchema, req.params, 'params');
    const finish = parseOrThrow(finishSyncRunBodySchema, req.body, 'body');
    const run = await deps.catalogSync.finishRun(runId, finish);
    // 202: the finish is recorded, batches the sync sent are still on their way; the run settles when they arrive.
    res.status(run.status === 'running' ? 202 : 200).json(toSyncRunView(run) satisfies SyncRunView);
  });

  return router;
}
