import { Router } from 'express';
import { CatalogInternalPaths } from '@shop/contracts';
import type { TokenVerifier } from '@shop/auth-tokens';
import { parseOrThrow, requireInternalCaller } from '@shop/platform';
import { finishSyncRunSchema, openSyncRunSchema, toSyncRunView } from '../domain/sync-run';
import type { SyncRunService } from '../domain/sync-run.service';
import { adminOnly } from './admin-auth';
import { CachePolicies } from './cache-policy';
import { syncRunListQuerySchema, syncRunParamsSchema } from './sync-runs.schemas';

/**
 * The sync's internal routes (never routed by the gateway; mounted at the root): open a run, finish it.
 * Guarded per route by Dapr's app API token when one is configured.
 */
export function createSyncRunsInternalRouter(deps: { syncRuns: SyncRunService; appApiToken?: string }): Router {
  const router = Router();
  const internalOnly = requireInternalCaller({ appApiToken: deps.appApiToken });

  router.post(CatalogInternalPaths.syncRuns, internalOnly, async (req, res) => {
    const input = parseOrThrow(openSyncRunSchema, req.body, 'body');
    const run = await deps.syncRuns.openRun(input);
    res.status(201).setHeader('Location', `/api/catalog/sync-runs/${run.id}`);
    res.json({ runId: run.id, source: run.source, startedAt: run.startedAt.toISOString() });
  });

  // The path builder URL-encodes its argument, so the route parameter is spliced into the path it builds.
  router.post(CatalogInternalPaths.finishSyncRun('RUN_ID').replace('RUN_ID', ':runId'), internalOnly, async (req, res) => {
    const { runId } = parseOrThrow(syncRunParamsSchema, req.params, 'params');
    const finish = parseOrThrow(finishSyncRunSchema, req.body, 'body');
    const run = await deps.syncRuns.finishRun(runId, finish);
    // 202: the finish is recorded, batches the sync sent are still on their way; the run settles when they arrive.
    res.status(run.status === 'running' ? 202 : 200).json(toSyncRunView(run));
  });

  return router;
}

/** Admin reads of the sync runs under /api/catalog. */
export function createSyncRunsAdminRouter(deps: { syncRuns: SyncRunService; verifier: TokenVerifier }): Router {
  const router = Router();
  const admin = adminOnly(deps.verifier);

  router.get('/sync-runs', ...admin, async (req, res) => {
    const query = parseOrThrow(syncRunListQuerySchema, req.query, 'query');
    const runs = await deps.syncRuns.listRuns(query);
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json({ items: runs.map(toSyncRunView) });
  });

  router.get('/sync-runs/:runId', ...admin, async (req, res) => {
    const { runId } = parseOrThrow(syncRunParamsSchema, req.params, 'params');
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json(toSyncRunView(await deps.syncRuns.getRun(runId)));
  });

  return router;
}
