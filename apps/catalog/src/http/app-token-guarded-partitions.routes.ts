import { Router } from 'express';
import { CatalogInternalPaths, type PartitionMaintenanceReport } from '@shop/contracts';
import { requireInternalCaller } from '@shop/platform';

/**
 * The partition job's internal route (never routed by the gateway; mounted at the root): creates the product
 * history's next partitions and drops those past retention, answering what it changed. Guarded by Dapr's app API
 * token when one is configured: the caller is the Functions app's daily timer or the `partitions` CLI.
 */
export function createAppTokenGuardedPartitionsRouter(deps: { maintainPartitions: () => Promise<PartitionMaintenanceReport>; appApiToken?: string }): Router {
  const router = Router();
  router.post(CatalogInternalPaths.maintainPartitions, requireInternalCaller({ appApiToken: deps.appApiToken }), async (_req, res) => {
    res.json(await deps.maintainPartitions());
  });
  return router;
}
