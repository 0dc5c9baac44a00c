import { randomUUID } from 'node:crypto';
import { rejectionReasonOf, syncRecordSchema, type BulkUpsertReport, type FinishSyncRunBody, type OpenSyncRunBody, type ProductInput, type SyncBatch, type SyncRecord } from '@shop/contracts';
import { AppError, type Logger } from '@shop/kernel';
import type { AfterCommit, TouchedProduct } from './after-commit';
import type { CatalogSyncRepository, CatalogSyncTransaction } from './catalog-sync.ports';
import { contentHash } from './content-hash';
import { isJsonObject } from './merge-patch';
import { DuplicateKeyError, type CatalogContext } from './ports';
import { changedFields, explicitPricesOf, inputOf, recordOf } from './product';
import { ProductEventTypes, eventActorOf, productChanged } from './product-events';
import { defaultProductLanguages, type ProductLanguages } from './product-language';
import { isReadyToSettle, newSyncRun, withBatchApplied, withFinishRecorded, type SyncRun } from './sync-run';

/** What the catalog sync is built from. */
export interface CatalogSyncServiceDeps {
  repository: CatalogSyncRepository;
  afterCommit: AfterCommit;
  logger: Logger;
  /** The languages a product may carry translations in: a record's translations into others are dropped. Default: en, with de and ja. */
  productLanguages?: ProductLanguages;
  clock?: () => Date;
  newId?: () => string;
}

/** Where a batch comes from: an inbox event id applies it once per consumer; a run id counts it into that run. */
export interface BulkUpsertOptions {
  inboxEventId?: string;
  consumer?: string;
  runId?: string;
}

/** What one sync record did. */
type RecordOutcome = { kind: 'created' | 'updated'; touched: TouchedProduct } | { kind: 'unchanged' } | { kind: 'rejected'; reason: string };

/**
 * The external catalog sync and its runs. The sync opens a run, sends its batches (on the catalog-sync topic, or
 * posted to the bulk upsert), each applied and counted into the run once, then finishes the run with what it
 * fetched and refused. Batches travel asynchronously, so the run settles when the last of finish and batches
 * arrives: a complete run then archives the source's active products it did not see.
 */
export class CatalogSyncService {
  private readonly clock: () => Date;
  private readonly newId: () => string;

  constructor(private readonly deps: CatalogSyncServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
  }

  /**
   * Creates or updates the products of a sync batch by `(source, externalId)`. Each record is validated and
   * applied on its own (a bad one is rejected with its reason and the rest go on); records whose content hash
   * did not change are skipped. With `inboxEventId`, a batch that was applied before changes nothing and
   * answers `'duplicate'`.
   */
  async bulkUpsertProducts(ctx: CatalogContext, batch: SyncBatch, options: BulkUpsertOptions = {}): Promise<BulkUpsertReport | 'duplicate'> {
    const report: BulkUpsertReport = { created: 0, updated: 0, unchanged: 0, rejected: [] };
    const touched: TouchedProduct[] = [];
    const outcome = await this.deps.repository.transaction(async (tx) => {
      if (options.inboxEventId && !(await tx.claimInboxEvent(options.consumer ?? 'catalog', options.inboxEventId))) return 'duplicate' as const;
      // The run is locked before any product, as its finish does (run, then products): the two cannot deadlock.
      const run = options.runId ? await tx.lockSyncRun(options.runId) : undefined;
      if (options.runId && (!run || run.source !== batch.source)) {
        this.deps.logger.warn({ runId: options.runId, source: batch.source }, 'sync batch names an unknown run (or one of another source): applied without run accounting');
      }
      const seen = new Set<string>();
      // Every external id the batch names, rejected records too: a product the source still lists is not archived.
      const named = new Set<string>();
      for (const [index, raw] of batch.products.entries()) {
        const parsed = syncRecordSchema.safeParse(raw);
        const externalId = parsed.success ? parsed.data.externalId : externalIdOf(raw, index);
        named.add(parsed.success ? externalId : externalId.trim());
        if (!parsed.success) {
          report.rejected.push({ externalId, reason: rejectionReasonOf(parsed.error) });
          continue;
        }
        if (seen.has(externalId)) {
          report.rejected.push({ externalId, reason: 'the batch contains this externalId more than once' });
          continue;
        }
        seen.add(externalId);
        try {
          const result = await tx.isolated(() => this.upsertSyncRecord(ctx, tx, batch.source, parsed.data));
          if (result.kind === 'rejected') report.rejected.push({ externalId, reason: result.reason });
          else report[result.kind] += 1;
          if (result.kind === 'updated' || result.kind === 'created') touched.push(result.touched);
        } catch (error) {
          if (!(error instanceof DuplicateKeyError)) throw error;
          report.rejected.push({ externalId, reason: 'the SKU is already used by another product' });
        }
      }
      if (run && run.source === batch.source) {
        await tx.markSeenInRun(batch.source, [...named], run.id);
        const counted = withBatchApplied(run, report);
        await tx.saveSyncRun(counted);
        const settled = await this.settleIfReady(tx, counted);
        touched.push(...settled.touched);
      }
      return report;
    });
    if (outcome === 'duplicate') return outcome;
    await this.deps.afterCommit.productsChanged(touched);
    return outcome;
  }

  /** Opens a run of `source`. */
  async openRun(input: OpenSyncRunBody): Promise<SyncRun> {
    const run = newSyncRun(this.newId(), input, this.clock());
    await this.deps.repository.transaction((tx) => tx.insertSyncRun(run));
    return run;
  }

  /**
   * Records the sync's own account of the run and settles it when every announced batch is already applied.
   * A repeated finish (the caller retrying a lost answer) changes nothing and answers the run as it is.
   */
  async finishRun(runId: string, finish: FinishSyncRunBody): Promise<SyncRun> {
    const { run, touched } = await this.deps.repository.transaction(async (tx) => {
      const current = await tx.lockSyncRun(runId);
      if (!current) throw new AppError('not_found', `No sync run ${runId}`);
      if (current.batchesExpected !== null) return { run: current, touched: [] };
      const recorded = withFinishRecorded(current, finish);
      await tx.saveSyncRun(recorded);
      return this.settleIfReady(tx, recorded);
    });
    await this.deps.afterCommit.productsChanged(touched);
    return run;
  }

  /** One run. */
  async getRun(runId: string): Promise<SyncRun> {
    const run = await this.deps.repository.findSyncRun(runId);
    if (!run) throw new AppError('not_found', `No sync run ${runId}`);
    return run;
  }

  /** Runs, newest first. */
  listRuns(query: { source?: string; limit: number }): Promise<SyncRun[]> {
    return this.deps.repository.listSyncRuns(query);
  }

  /**
   * Settles a locked run when it is ready (finish recorded, every announced batch applied): a complete run archives
   * the source's active products it did not see and succeeds; an incomplete one archives nothing and is partial.
   * Called by the finish and by each batch of the run, whichever comes last. Returns the run and what it archived.
   */
  private async settleIfReady(tx: CatalogSyncTransaction, run: SyncRun): Promise<{ run: SyncRun; touched: TouchedProduct[] }> {
    if (!isReadyToSettle(run)) return { run, touched: [] };
    const now = this.clock();
    const archived = run.complete ? await tx.archiveProductsNotSeenInRun(run, now) : [];
    for (const product of archived) {
      await tx.enqueueProductEvent(
        productChanged(ProductEventTypes.updated, {
          productId: product.id,
          sku: product.sku,
          version: product.version,
          changes: { status: 'archived' },
          actor: { system: 'catalog-sync', source: run.source },
        }),
      );
    }
    const settled: SyncRun = { ...run, status: run.complete ? 'succeeded' : 'partial', archived: archived.length, finishedAt: now };
    await tx.saveSyncRun(settled);
    return { run: settled, touched: archived.map((product) => ({ id: product.id, skus: [product.sku] })) };
  }

  /** The translations of a record into languages the catalog serves (a supplier's feed may carry more). */
  private servedTranslations(translations: SyncRecord['translations']): ProductInput['translations'] {
    const served = (this.deps.productLanguages ?? defaultProductLanguages).translated;
    return Object.fromEntries(Object.entries(translations ?? {}).filter(([language]) => served.includes(language)));
  }

  private async upsertSyncRecord(ctx: CatalogContext, tx: CatalogSyncTransaction, source: string, record: SyncRecord): Promise<RecordOutcome> {
    const { externalId, categoryPath, onHand, translations, ...fields } = record;
    const hash = contentHash(record);
    const existing = await tx.lockProductBySourceKey(source, externalId);
    if (existing && existing.contentHash === hash) return { kind: 'unchanged' };
    const category = categoryPath ? await tx.ensureCategoryPath(categoryPath) : null;
    // The supplier's price and texts are the base ones; market prices an admin set stay as they are, and so do the
    // translations in every language the record does not name.
    const input: ProductInput = {
      ...fields,
      category: category?.slug ?? null,
      marketPrices: existing ? explicitPricesOf(existing) : [],
      translations: { ...existing?.translations, ...this.servedTranslations(translations) },
    };
    const actor = eventActorOf(ctx.actor);
    const now = this.clock();
    if (!existing) {
      const id = this.newId();
      if (!(await tx.insertProduct({ id, ...recordOf(input, category?.id ?? null, hash), source, externalId, now }))) {
        return { kind: 'rejected', reason: `SKU ${input.sku} is already used by another product` };
      }
      if (onHand !== undefined && onHand > 0) await tx.setOnHand(id, onHand, now);
      const changes = onHand === undefined ? input : { ...input, onHand };
      await tx.enqueueProductEvent(productChanged(ProductEventTypes.created, { productId: id, sku: input.sku, version: 1, changes, actor }));
      return { kind: 'created', touched: { id, skus: [input.sku] } };
    }
    const changes: Record<string, unknown> = changedFields(inputOf(existing), input);
    if (changes.sku !== undefined && (await tx.productIdUsingSku(input.sku)) !== undefined) {
      return { kind: 'rejected', reason: `SKU ${input.sku} is already used by another product` };
    }
    if (onHand !== undefined && onHand !== existing.onHand) {
      if (!(await tx.setOnHand(existing.id, onHand, now))) return { kind: 'rejected', reason: `onHand ${onHand} is below the ${existing.reserved} units reserved` };
      changes.onHand = onHand;
    }
    const version = await tx.updateProduct(existing.id, existing.version, recordOf(input, category?.id ?? null, hash), now);
    if (version === undefined) throw new Error(`product ${existing.id} changed while locked`);
    // Only the hash changed (e.g. after an admin edit was reverted): nothing to announce.
    if (Object.keys(changes).length === 0) return { kind: 'unchanged' };
    await tx.enqueueProductEvent(productChanged(ProductEventTypes.updated, { productId: existing.id, sku: input.sku, version, changes, actor }));
    return { kind: 'updated', touched: { id: existing.id, skus: [existing.sku, input.sku] } };
  }
}

/** The record's externalId for its rejection when it is not a valid record (its position when it has none). */
function externalIdOf(raw: unknown, index: number): string {
  const candidate = isJsonObject(raw) ? raw.externalId : undefined;
  return typeof candidate === 'string' && candidate.length > 0 ? candidate.slice(0, 200) : `#${index}`;
}
