import { Router } from 'express';
import { CatalogInternalPaths, finishSyncRunBodySchema, openSyncRunBodySchema, type OpenedSyncRun, type SyncRunView } from '@shop/contracts';
import { parseOrThrow, requireInternalCaller } from '@shop/platform';
import type { CatalogSyncService } from '../domain/catalog-sync.service';
import type { CatalogMetrics } from '../domain/catalog-metrics';
import { toSyncRunView } from '../domain/sync-run';
import { runIdParamsSchema } from './route-params.schemas';

/**
 * The sync's internal routes (never routed by the gateway; mounted at the root): open a run, finish it. Guarded per
 * route by Dapr's app API token when one is configured: the caller is the Functions app, not a user.
 */
export function createAppTokenGuardedSyncRunsRouter(deps: { catalogSync: CatalogSyncService; appApiToken?: string; metrics?: CatalogMetrics }): Router {
  const router = Router();
  const internalOnly = requireInternalCaller({ appApiToken: deps.appApiToken });
  // Runs this replica counted (a retried finish may reach it again); bounded, oldest forgotten first.
  const alreadyFinished = new BoundedSet(1000);

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
    // A repeated finish (the sync retrying a lost answer) changes nothing and is not counted again.
    if (!alreadyFinished.has(runId)) {
      alreadyFinished.add(runId);
      deps.metrics?.syncRunFinished(run.source, finish);
    }
    // 202: the finish is recorded, batches the sync sent are still on their way; the run settles when they arrive.
    res.status(run.status === 'running' ? 202 : 200).json(toSyncRunView(run) satisfies SyncRunView);
  });

  return router;
}

/** A set that forgets its oldest member past `capacity`. */
class BoundedSet {
  private readonly members = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(member: string): boolean {
    return this.members.has(member);
  }

  add(member: string): void {
    this.members.add(member);
    if (this.members.size > this.capacity) this.members.delete(this.members.values().next().value as string);
  }
}
