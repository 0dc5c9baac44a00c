import { Router } from 'express';
import type { TokenVerifier } from '@shop/auth-tokens';
import { catalogBulkUpsertPath, syncBatchEventSchema, type BulkUpsertReply } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { parseOrThrow } from '@shop/platform';
import type { CatalogMetrics } from '../domain/catalog-metrics';
import type { CatalogSyncService } from '../domain/catalog-sync.service';
import { adminOnly, contextOf } from './admin-auth';
import { CachePolicies } from './cache-policy';

/** Inbox consumer of batches posted over HTTP (apart from the topic's, whose event ids are the same batches'). */
const httpSyncConsumer = 'catalog-sync-http';

const batchIdPattern = /^[A-Za-z0-9:_-]{8,200}$/;

/**
 * The bulk upsert, under /internal (the gateway routes /api only) but guarded by an admin token, not by the app
 * token: the sync itself arrives on the catalog-sync topic, so this route is for operators and tools (the
 * `npm run sync` CLI), and the admin is the actor of the changes. A batch of a sync run (`runId`) counts into that
 * run; sent with an `Idempotency-Key` (the batch's id), a retried batch is applied and counted once.
 */
export function createAdminBulkUpsertRouter(deps: { catalogSync: CatalogSyncService; verifier: TokenVerifier; metrics?: CatalogMetrics }): Router {
  const router = Router();
  router.post(catalogBulkUpsertPath, ...adminOnly(deps.verifier), async (req, res) => {
    const { runId, ...batch } = parseOrThrow(syncBatchEventSchema, req.body, 'body');
    const batchId = req.header('idempotency-key');
    if (batchId !== undefined && !batchIdPattern.test(batchId)) {
      throw new AppError('invalid', 'Idempotency-Key must be 8 to 200 characters of letters, digits, ":", "_" or "-"');
    }
    const outcome = await deps.catalogSync.bulkUpsertProducts(contextOf(res), batch, { runId, ...(batchId ? { inboxEventId: batchId, consumer: httpSyncConsumer } : {}) });
    if (outcome !== 'duplicate') deps.metrics?.syncBatchApplied(batch.source, outcome);
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json((outcome === 'duplicate' ? { duplicate: true } : outcome) satisfies BulkUpsertReply);
  });
  return router;
}
