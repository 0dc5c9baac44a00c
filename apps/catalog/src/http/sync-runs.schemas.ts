import { z } from 'zod';
import { syncSourceSchema } from '../domain/catalog-sync';

/** Path of /sync-runs/{runId}. */
export const syncRunParamsSchema = z.strictObject({ runId: z.uuid() });

/** Query of GET /api/catalog/sync-runs. */
export const syncRunListQuerySchema = z.strictObject({
  source: syncSourceSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
