import { Router } from 'express';
import type { TokenVerifier } from '@shop/auth-tokens';
import { syncRunListQuerySchema, type SyncRunList, type SyncRunView } from '@shop/contracts';
import { parseOrThrow } from '@shop/platform';
import type { CatalogSyncService } from '../domain/catalog-sync.service';
import { toSyncRunView } from '../domain/sync-run';
import { adminOnly } from './admin-auth';
import { CachePolicies } from './cache-policy';
import { runIdParamsSchema } from './route-params.schemas';

/** Admin reads of the sync runs under /api/catalog (admin token). */
export function createAdminSyncRunsRouter(deps: { catalogSync: CatalogSyncService; verifier: TokenVerifier }): Router {
  const router = Router();
  const admin = adminOnly(deps.verifier);

  router.get('/sync-runs', ...admin, async (req, res) => {
    const query = parseOrThrow(syncRunListQuerySchema, req.query, 'query');
    const runs = await deps.catalogSync.listRuns(query);
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json({ items: runs.map(toSyncRunView) } satisfies SyncRunList);
  });

  router.get('/sync-runs/:runId', ...admin, async (req, res) => {
    const { runId } = parseOrThrow(runIdParamsSchema, req.params, 'params');
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json(toSyncRunView(await deps.catalogSync.getRun(runId)) satisfies SyncRunView);
  });

  return router;
}
