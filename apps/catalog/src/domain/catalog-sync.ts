import { z } from 'zod';
import { productInputSchema } from './product';

/** Sources name the system a batch comes from (`erp`, `pim-eu`...). */
export const syncSourceSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, { error: 'must be 1-64 lower-case letters, digits, ".", "_" or "-"' });

const categoryNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((name) => !name.includes('>'), { error: 'must not contain ">"' });

/** One product of a sync batch, keyed by the source's own id. */
export const syncRecordSchema = productInputSchema.omit({ category: true, status: true }).extend({
  externalId: z.string().trim().min(1).max(200),
  /** Category names from the root down; missing categories are created. */
  categoryPath: z.array(categoryNameSchema).min(1).max(5).optional(),
  status: z.enum(['active', 'draft', 'archived']).default('active'),
  /** Stock on hand; absent leaves the current stock alone. */
  onHand: z.number().int().min(0).max(1_000_000_000).optional(),
});
/** A validated sync record. */
export type SyncRecord = z.infer<typeof syncRecordSchema>;

/** Records in one batch at most. */
export const MAX_SYNC_BATCH = 1000;

/** A batch as it arrives (records are validated one by one, so one bad record cannot sink the batch). */
export const syncBatchSchema = z.strictObject({
  source: syncSourceSchema,
  products: z.array(z.unknown()).max(MAX_SYNC_BATCH),
});
/** A batch as it arrives on the catalog-sync topic: optionally part of a sync run, whose counts it adds to. */
export const syncBatchEventSchema = syncBatchSchema.extend({ runId: z.uuid().optional() });

/** A sync batch with unvalidated records. */
export type SyncBatch = z.infer<typeof syncBatchSchema>;

/** What a bulk upsert did. */
export interface BulkUpsertReport {
  created: number;
  updated: number;
  unchanged: number;
  rejected: Array<{ externalId: string; reason: string }>;
}

/** A short, human reason from a zod error (first few issues). */
export function reasonOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(record)'}: ${issue.message}`)
    .join('; ');
}
