import { Router } from 'express';
import { parseOrThrow } from '@shop/platform';
import type { TokenVerifier } from '@shop/auth-tokens';
import type { CatalogService } from '../domain/catalog.service';
import { syncBatchSchema } from '../domain/catalog-sync';
import { adminOnly, contextOf } from './admin-auth';
import { CachePolicies } from './cache-policy';

/**
 * Service-to-service routes under /internal (the public gateway routes /api only). The bulk upsert needs an
 * admin token: the sync itself arrives on the catalog-sync topic, so this route is for operators and tools.
 */
export function createInternalRouter(deps: { service: CatalogService; verifier: TokenVerifier }): Router {
  const router = Router();
  router.post('/products/bulk-upsert', ...adminOnly(deps.verifier), async (req, res) => {
    const batch = parseOrThrow(syncBatchSchema, req.body, 'body');
    const report = await deps.service.bulkUpsertProducts(contextOf(res), batch);
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json(report);
  });
  return router;
}
