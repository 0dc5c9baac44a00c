import { Router } from 'express';
import { parseOrThrow } from '@shop/platform';
import type { TokenVerifier } from '@shop/auth-tokens';
import type { CatalogService } from '../domain/catalog.service';
import { syncBatchEventSchema } from '../domain/catalog-sync';
import { adminOnly, contextOf } from './admin-auth';
import { CachePolicies } from './cache-policy';
import { AppError } from '@shop/kernel';

/** Inbox consumer of batches posted over HTTP (apart from the topic's, whose event ids are the same batches'). */
const httpSyncConsumer = 'catalog-sync-http';

const batchIdPattern = /^[A-Za-z0-9:_-]{8,200}$/;

/**
 * Service-to-service routes under /internal (the public gateway routes /api only). The bulk upsert needs an
 * admin token: the sync itself arrives on the catalog-sync topic, so this route is for operators and tools (the
 * `npm run sync` CLI). A batch of a sync run (`runId`) counts into that run; sent with an `Idempotency-Key` (the
 * batch's id), a retried batch is applied and counted once.
 */
export function createInternalRouter(deps: { service: CatalogService; verifier: TokenVerifier }): Router {
  const router = Router();
  router.post('/products/bulk-upsert', ...adminOnly(deps.verifier), async (req, res) => {
    const { runId, ...batch } = parseOrThrow(syncBatchEventSchema, req.body, 'body');
    const batchId = req.header('idempotency-key');
    if (batchId !== undefined && !batchIdPattern.test(batchId)) {
      throw new AppError('invalid', 'Idempotency-Key must be 8 to 200 characters of letters, digits, ":", "_" or "-"');
    }
    const outcome = await deps.service.bulkUpsertProducts(contextOf(res), batch, { runId, ...(batchId ? { inboxEventId: batchId, consumer: httpSyncConsumer } : {}) });
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json(outcome === 'duplicate' ? { duplicate: true } : outcome);
  });
  return router;
}
