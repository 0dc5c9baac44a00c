import { z } from 'zod';
import { productInputFieldsSchema, productStatuses, productTranslationsSchema, syncRejectionSchema, syncSourceSchema, syncTriggers } from './catalog';

// The external catalog sync (the Functions app) and catalog: the supplier record, the batch it travels in (on
// Topics.catalogSync, or posted to the bulk upsert), and the bodies of the sync-run routes in CatalogInternalPaths.

/** Catalog's bulk upsert: `POST` a batch with an admin token (operators and the `npm run sync` CLI). */
export const catalogBulkUpsertPath = '/internal/catalog/products/bulk-upsert';

const categoryNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((name) => !name.includes('>'), { error: 'must not contain ">"' });

/**
 * One product of a sync batch, keyed by the source's own id: what catalog's bulk upsert applies, and what the sync
 * validates before sending, with this one schema, so the two refuse exactly the same records for the same reasons.
 */
export const syncRecordSchema = productInputFieldsSchema
  // A supplier sets the base price and the base texts; market prices an admin set are kept.
  .omit({ category: true, status: true, marketPrices: true, translations: true })
  .extend({
    translations: productTranslationsSchema
      .optional()
      .meta({ description: "Name and description in other languages: each language named replaces the product's text in it, the others stay as they are (an admin's); languages the catalog does not serve are dropped" }),
    externalId: z.string().trim().min(1).max(200),
    categoryPath: z.array(categoryNameSchema).min(1).max(5).optional().meta({ description: 'Category names from the root down; missing categories are created' }),
    status: z.enum(productStatuses).default('active'),
    onHand: z.number().int().min(0).max(1_000_000_000).optional().meta({ description: 'Stock on hand; absent leaves the current stock alone' }),
  })
  .meta({ id: 'CatalogSyncRecord', description: 'One product of a sync batch, keyed by (source, externalId)' });
/** A validated sync record. */
export type SyncRecord = z.infer<typeof syncRecordSchema>;

/** Records in one batch at most. */
export const MAX_SYNC_BATCH = 1000;

/** A batch as it arrives: its records are validated one by one, so one bad record cannot sink the batch. */
export const syncBatchSchema = z.strictObject({
  source: syncSourceSchema,
  products: z.array(z.unknown()).max(MAX_SYNC_BATCH).meta({ description: 'Sync records, each validated on its own' }),
});
/** A sync batch with unvalidated records. */
export type SyncBatch = z.infer<typeof syncBatchSchema>;

/**
 * Data of a `catalog.sync.batch` event, and the body of the bulk upsert: a batch, optionally of a sync run whose
 * counts it adds to.
 */
export const syncBatchEventSchema = syncBatchSchema
  .extend({ runId: z.uuid().optional().meta({ description: 'The sync run the batch belongs to' }) })
  .meta({ id: 'CatalogSyncBatch', description: 'A batch of sync records of one source' });
/** Data of a `catalog.sync.batch` event as it arrives. */
export type SyncBatchEvent = z.infer<typeof syncBatchEventSchema>;

/** A batch as the sync sends it: every record already valid by `syncRecordSchema`. */
export type SyncBatchOfRecords = Omit<SyncBatchEvent, 'products'> & { products: SyncRecord[] };

/** What a bulk upsert did. */
export const bulkUpsertReportSchema = z
  .object({
    created: z.number().int().min(0),
    updated: z.number().int().min(0),
    unchanged: z.number().int().min(0),
    rejected: z.array(z.object({ externalId: z.string(), reason: z.string() })),
  })
  .meta({ id: 'CatalogBulkUpsertReport', description: 'What a batch changed, and the records it refused with their reasons' });
/** What a bulk upsert did. */
export type BulkUpsertReport = z.infer<typeof bulkUpsertReportSchema>;

/** Answer of the bulk upsert: its report, or `{duplicate: true}` when a batch with that Idempotency-Key was applied before. */
export const bulkUpsertReplySchema = z
  .union([bulkUpsertReportSchema, z.object({ duplicate: z.literal(true) })])
  .meta({ id: 'CatalogBulkUpsertReply', description: 'The report, or duplicate when the batch was applied before' });
/** Answer of the bulk upsert. */
export type BulkUpsertReply = z.infer<typeof bulkUpsertReplySchema>;

/** A short, human reason from a zod error (its first few issues): the same words on the sync's side and catalog's. */
export function rejectionReasonOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(record)'}: ${issue.message}`)
    .join('; ');
}

/** Body of `POST CatalogInternalPaths.syncRuns`: opens a run of a source. */
export const openSyncRunBodySchema = z
  .strictObject({ source: syncSourceSchema, trigger: z.enum(syncTriggers) })
  .meta({ id: 'OpenSyncRunBody', description: 'The source a sync run reads, and what started it' });
/** Body of the open-run route. */
export type OpenSyncRunBody = z.infer<typeof openSyncRunBodySchema>;

/** Answer (201) of `POST CatalogInternalPaths.syncRuns`. */
export const openedSyncRunSchema = z
  .object({ runId: z.string().min(1).meta({ description: "Catalog's id of the run (a UUID)" }), source: z.string(), startedAt: z.iso.datetime() })
  .meta({ id: 'OpenedSyncRun', description: 'The run just opened' });
/** Answer of the open-run route. */
export type OpenedSyncRun = z.infer<typeof openedSyncRunSchema>;

/**
 * Body of `POST CatalogInternalPaths.finishSyncRun(runId)`: the sync has sent all it will send. Catalog settles the
 * run once `batches` batches of it are applied; a complete run archives the source's products it did not see.
 * Answered with the run (syncRunViewSchema): 200 settled, 202 still waiting for batches.
 */
export const finishSyncRunBodySchema = z
  .strictObject({
    complete: z.boolean().meta({ description: 'False when any page or batch failed: catalog then archives nothing' }),
    batches: z.number().int().min(0).max(1_000_000),
    fetched: z.number().int().min(0).max(1_000_000_000),
    rejected: z.array(syncRejectionSchema).max(100_000),
    errors: z.array(z.string().max(2000)).max(10_000),
  })
  .meta({ id: 'FinishSyncRunBody', description: "The sync's own account of a run" });
/** Body of the finish-run route. */
export type FinishSyncRunBody = z.infer<typeof finishSyncRunBodySchema>;
