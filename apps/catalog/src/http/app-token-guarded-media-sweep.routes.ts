import { Router } from 'express';
import { CatalogInternalPaths, type MediaSweepReport } from '@shop/contracts';
import { requireInternalCaller } from '@shop/platform';
import { CachePolicies } from './cache-policy';

/**
 * The media sweep's internal route (never routed by the gateway; mounted at the root): one sweep now, joining the
 * one in progress, answering what it deleted. For a scheduler that runs it instead of MEDIA_SWEEP_INTERVAL_MS, or an
 * operator after a large clean-up. Guarded by Dapr's app API token when one is configured.
 */
export function createAppTokenGuardedMediaSweepRouter(deps: { sweepMedia: () => Promise<MediaSweepReport>; appApiToken?: string }): Router {
  const router = Router();
  router.post(CatalogInternalPaths.sweepMedia, requireInternalCaller({ appApiToken: deps.appApiToken }), async (_req, res) => {
    const report = await deps.sweepMedia();
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json(report satisfies MediaSweepReport);
  });
  return router;
}
