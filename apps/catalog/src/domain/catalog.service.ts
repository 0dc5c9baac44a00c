import { randomUUID } from 'node:crypto';
import { contentHash } from './content-hash';
import { productEntityTag } from './entity-tag';
import { applyMergePatch, isJsonObject } from './merge-patch';
import { ProductEventTypes, eventActorOf, type ProductChangedData, type ProductDeletedData } from './product-events';
import {
  changedFields,
  inputOf,
  isUuid,
  patchableFields,
  productInputSchema,
  skuSchema,
  toProductView,
  type ProductInput,
  type ProductStatus,
  type ProductWithAvailability,
} from './product';
import { InvalidCursorError, decodeCursor, encodeCursor, searchFingerprint, type ProductFilters, type ProductSort, type SortPosition } from './product-search';
import { reasonOf, syncRecordSchema, type BulkUpsertReport, type SyncBatch, type SyncRecord } from './catalog-sync';
import { withBatchApplied } from './sync-run';
import { settleSyncRunIfReady } from './sync-run.service';
import { DuplicateKeyError, type CachedRepresentation, type CatalogContext, type CatalogRepository, type CatalogTransaction, type Category, type ProductCache, type ProductHit, type ProductRecord } from './ports';
import { AppError, type Logger } from '@shop/kernel';

/** What the catalog service is built from. */
export interface CatalogServiceDeps {
  repository: CatalogRepository;
  cache: ProductCache;
  /** Called after a transaction that enqueued events has committed (nudges the outbox relay). */
  onEventsCommitted: () => void;
  logger: Logger;
  clock?: () => Date;
  newId?: () => string;
}

/** A page request of a product search, as the API receives it. */
export interface ProductSearchRequest extends Omit<ProductFilters, 'statuses'> {
  sort?: ProductSort;
  limit: number;
  cursor?: string;
}

/** One page of search results. */
export interface ProductPage {
  items: ProductWithAvailability[];
  nextCursor: string | null;
}

/** A category with its subcategories. */
export interface CategoryTreeNode {
  id: string;
  slug: string;
  name: string;
  path: string;
  children: CategoryTreeNode[];
}

/** A product that a transaction changed: its cache entries must go once it commits. */
interface Touched {
  id: string;
  skus: string[];
}

/**
 * The catalog: product reads (cache-aside), searches, admin writes with optimistic concurrency, and the bulk
 * upsert of the catalog sync. Every write enqueues its product event in the same transaction (outbox).
 */
export class CatalogService {
  private readonly clock: () => Date;
  private readonly newId: () => string;

  constructor(private readonly deps: CatalogServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
  }

  /**
   * The public representation of an active product by id or SKU, from the cache when it has it (no database
   * round trip), else from the database, then cached. Undefined when there is no such active product.
   */
  async readPublicProduct(_ctx: CatalogContext, idOrSku: string): Promise<CachedRepresentation | undefined> {
    const lookup = isUuid(idOrSku) ? { id: idOrSku.toLowerCase() } : skuSchema.safeParse(idOrSku).success ? { sku: idOrSku } : undefined;
    if (!lookup) return undefined;
    try {
      const cached = await this.deps.cache.get(lookup);
      if (cached) return cached;
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'product cache read failed; reading the database');
    }
    const product = await this.deps.repository.findProduct({ ...lookup, statuses: ['active'] });
    if (!product) return undefined;
    const body = JSON.stringify(toProductView(product));
    const representation = { productId: product.id, sku: product.sku, body, etag: productEntityTag(product.version, body) };
    try {
      await this.deps.cache.put(representation);
    } catch (error) {
      this.deps.logger.warn({ err: error, productId: product.id }, 'product cache write failed');
    }
    return representation;
  }

  /** A product in any status (admin). */
  async getProduct(_ctx: CatalogContext, id: string): Promise<ProductWithAvailability> {
    const product = isUuid(id) ? await this.deps.repository.findProduct({ id: id.toLowerCase() }) : undefined;
    if (!product) throw new AppError('not_found', `No product ${id}`);
    return product;
  }

  /** One page of products with the given statuses, filtered, sorted and continued after `cursor`. */
  async searchProducts(_ctx: CatalogContext, request: ProductSearchRequest, statuses: ProductStatus[]): Promise<ProductPage> {
    const sort: ProductSort = request.sort ?? (request.q ? 'relevance' : 'newest');
    if (sort === 'relevance' && !request.q) {
      throw new AppError('invalid', 'Sorting by relevance needs a search query (q)', { fields: [{ field: 'query.sort', message: 'relevance needs q' }] });
    }
    if (request.minPrice !== undefined && request.maxPrice !== undefined && request.minPrice > request.maxPrice) {
      throw new AppError('invalid', 'minPrice must not exceed maxPrice', { fields: [{ field: 'query.minPrice', message: 'must not exceed maxPrice' }] });
    }
    const filters: ProductFilters = {
      q: request.q,
      category: request.category,
      brand: request.brand,
      minPrice: request.minPrice,
      maxPrice: request.maxPrice,
      inStock: request.inStock,
      statuses,
    };
    const fingerprint = searchFingerprint(filters, sort);
    let after: SortPosition | undefined;
    if (request.cursor !== undefined) {
      try {
        after = decodeCursor(request.cursor, fingerprint, sort);
      } catch (error) {
        if (error instanceof InvalidCursorError) throw new AppError('invalid', error.message, { fields: [{ field: 'query.cursor', message: 'is not a cursor of this search' }] });
        throw error;
      }
    }
    const hits = await this.deps.repository.searchProducts({ ...filters, sort, limit: request.limit, after });
    const items = hits.slice(0, request.limit);
    const last = items.at(-1);
    const nextCursor = hits.length > request.limit && last ? encodeCursor(positionAfter(last, sort), fingerprint) : null;
    return { items, nextCursor };
  }

  /** The category tree, roots first, children sorted by name. */
  async categoryTree(_ctx: CatalogContext): Promise<CategoryTreeNode[]> {
    const categories = await this.deps.repository.listCategories();
    const nodes = new Map<string, CategoryTreeNode & { parentId: string | null }>();
    for (const category of categories) nodes.set(category.id, { id: category.id, slug: category.slug, name: category.name, path: category.path, parentId: category.parentId, children: [] });
    const roots: CategoryTreeNode[] = [];
    for (const node of nodes.values()) {
      const parent = node.parentId ? nodes.get(node.parentId) : undefined;
      (parent ? parent.children : roots).push(node);
    }
    const strip = (node: CategoryTreeNode & { parentId?: string | null }): CategoryTreeNode => ({
      id: node.id,
      slug: node.slug,
      name: node.name,
      path: node.path,
      children: node.children.sort(byName).map(strip),
    });
    return roots.sort(byName).map(strip);
  }

  /** Creates a product (admin). Duplicate SKU → conflict; unknown category → unprocessable. */
  async createProduct(ctx: CatalogContext, input: ProductInput): Promise<ProductWithAvailability> {
    const id = this.newId();
    const created = await this.deps.repository.transaction(async (tx) => {
      const category = await this.categoryForSlug(tx, input.category);
      const inserted = await tx.insertProduct({ id, ...recordOf(input, category?.id ?? null, null), source: null, externalId: null, now: this.now() });
      if (!inserted) throw skuTaken(input.sku);
      await tx.enqueueProductEvent(ProductEventTypes.created, id, { productId: id, sku: input.sku, version: 1, changes: input, actor: eventActorOf(ctx.actor) } satisfies ProductChangedData);
      return mustExist(await tx.lockProduct(id), id);
    });
    await this.afterCommit([{ id, skus: [input.sku] }]);
    return created;
  }

  /** Replaces every writable field (admin, PUT). */
  replaceProduct(ctx: CatalogContext, id: string, expectedVersions: number[], input: ProductInput): Promise<ProductWithAvailability> {
    return this.changeProduct(ctx, id, expectedVersions, () => input);
  }

  /** Applies a JSON merge-patch to the writable fields (admin, PATCH). */
  patchProduct(ctx: CatalogContext, id: string, expectedVersions: number[], patch: unknown): Promise<ProductWithAvailability> {
    if (!isJsonObject(patch)) throw new AppError('invalid', 'A merge-patch must be a JSON object', { fields: [{ field: 'body', message: 'must be an object' }] });
    const unknown = Object.keys(patch).filter((key) => !(patchableFields as string[]).includes(key));
    if (unknown.length > 0) {
      throw new AppError('invalid', `These fields cannot be patched: ${unknown.join(', ')}`, { fields: unknown.map((field) => ({ field: `body.${field}`, message: 'is not a writable field' })) });
    }
    return this.changeProduct(ctx, id, expectedVersions, (current) => {
      const merged = productInputSchema.safeParse(applyMergePatch(inputOf(current), patch));
      if (!merged.success) throw AppError.fromIssues(merged.error.issues, 'body');
      return merged.data;
    });
  }

  /** Takes a product off sale without deleting it (admin). */
  archiveProduct(ctx: CatalogContext, id: string, expectedVersions: number[]): Promise<ProductWithAvailability> {
    return this.changeProduct(ctx, id, expectedVersions, (current) => ({ ...inputOf(current), status: 'archived' }));
  }

  /** Deletes a product (admin); refused while reservations refer to it. */
  async deleteProduct(ctx: CatalogContext, id: string, expectedVersions: number[]): Promise<void> {
    const sku = await this.deps.repository.transaction(async (tx) => {
      const current = await this.lockForWrite(tx, id, expectedVersions);
      if (!(await tx.deleteProduct(current.id))) {
        throw new AppError('conflict', 'Orders hold reservations of this product; archive it instead');
      }
      await tx.enqueueProductEvent(ProductEventTypes.deleted, current.id, { productId: current.id, sku: current.sku, actor: eventActorOf(ctx.actor) } satisfies ProductDeletedData);
      return current.sku;
    });
    await this.afterCommit([{ id: id.toLowerCase(), skus: [sku] }]);
  }

  /** Sets the stock on hand (admin); below what is reserved → conflict. Bumps the version like any other change. */
  async setInventory(ctx: CatalogContext, id: string, expectedVersions: number[], onHand: number): Promise<ProductWithAvailability> {
    const updated = await this.deps.repository.transaction(async (tx) => {
      const current = await this.lockForWrite(tx, id, expectedVersions);
      if (current.onHand === onHand) return current;
      if (!(await tx.setOnHand(current.id, onHand, this.now()))) {
        throw new AppError('conflict', `${current.reserved} units are reserved; on hand cannot go below that`, { extensions: { reserved: current.reserved } });
      }
      const version = await tx.touchProduct(current.id, current.version, this.now());
      if (version === undefined) throw versionMismatch(current.version);
      await tx.enqueueProductEvent(ProductEventTypes.updated, current.id, {
        productId: current.id,
        sku: current.sku,
        version,
        changes: { onHand },
        actor: eventActorOf(ctx.actor),
      } satisfies ProductChangedData);
      return mustExist(await tx.lockProduct(current.id), current.id);
    });
    await this.afterCommit([{ id: updated.id, skus: [updated.sku] }]);
    return updated;
  }

  /**
   * Creates or updates the products of a sync batch by `(source, externalId)`. Each record is validated and
   * applied on its own (a bad one is rejected with its reason and the rest go on); records whose content hash
   * did not change are skipped. With `inboxEventId`, a batch that was applied before changes nothing and
   * answers `'duplicate'`.
   */
  async bulkUpsertProducts(
    ctx: CatalogContext,
    batch: SyncBatch,
    options: { inboxEventId?: string; consumer?: string; runId?: string } = {},
  ): Promise<BulkUpsertReport | 'duplicate'> {
    const report: BulkUpsertReport = { created: 0, updated: 0, unchanged: 0, rejected: [] };
    const touched: Touched[] = [];
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
          report.rejected.push({ externalId, reason: reasonOf(parsed.error) });
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
        const settled = await settleSyncRunIfReady(tx, counted, this.now());
        touched.push(...settled.touched);
      }
      return report;
    });
    if (outcome === 'duplicate') return outcome;
    await this.afterCommit(touched);
    return outcome;
  }

  /** How many products exist (any status). */
  countProducts(): Promise<number> {
    return this.deps.repository.countProducts();
  }

  private async upsertSyncRecord(
    ctx: CatalogContext,
    tx: CatalogTransaction,
    source: string,
    record: SyncRecord,
  ): Promise<{ kind: 'created' | 'updated'; touched: Touched } | { kind: 'unchanged' } | { kind: 'rejected'; reason: string }> {
    const { externalId, categoryPath, onHand, ...fields } = record;
    const hash = contentHash(record);
    const existing = await tx.lockProductBySourceKey(source, externalId);
    if (existing && existing.contentHash === hash) return { kind: 'unchanged' };
    const category = categoryPath ? await tx.ensureCategoryPath(categoryPath) : null;
    const input: ProductInput = { ...fields, category: category?.slug ?? null };
    const actor = eventActorOf(ctx.actor);
    const now = this.now();
    if (!existing) {
      const id = this.newId();
      if (!(await tx.insertProduct({ id, ...recordOf(input, category?.id ?? null, hash), source, externalId, now }))) {
        return { kind: 'rejected', reason: `SKU ${input.sku} is already used by another product` };
      }
      if (onHand !== undefined && onHand > 0) await tx.setOnHand(id, onHand, now);
      const changes = onHand === undefined ? input : { ...input, onHand };
      await tx.enqueueProductEvent(ProductEventTypes.created, id, { productId: id, sku: input.sku, version: 1, changes, actor } satisfies ProductChangedData);
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
    await tx.enqueueProductEvent(ProductEventTypes.updated, existing.id, { productId: existing.id, sku: input.sku, version, changes, actor } satisfies ProductChangedData);
    return { kind: 'updated', touched: { id: existing.id, skus: [existing.sku, input.sku] } };
  }

  private async changeProduct(ctx: CatalogContext, id: string, expectedVersions: number[], nextInput: (current: ProductWithAvailability) => ProductInput): Promise<ProductWithAvailability> {
    let previousSku: string | undefined;
    const updated = await this.deps.repository.transaction(async (tx) => {
      const current = await this.lockForWrite(tx, id, expectedVersions);
      previousSku = current.sku;
      const input = nextInput(current);
      const changes = changedFields(inputOf(current), input);
      if (Object.keys(changes).length === 0) return current;
      if (changes.sku !== undefined && (await tx.productIdUsingSku(input.sku)) !== undefined) throw skuTaken(input.sku);
      const category = await this.categoryForSlug(tx, input.category);
      // An admin edit overrides what a sync delivered: clearing the hash lets the next sync apply its content again.
      const version = await tx.updateProduct(current.id, current.version, recordOf(input, category?.id ?? null, null), this.now());
      if (version === undefined) throw versionMismatch(current.version);
      await tx.enqueueProductEvent(ProductEventTypes.updated, current.id, { productId: current.id, sku: input.sku, version, changes, actor: eventActorOf(ctx.actor) } satisfies ProductChangedData);
      return mustExist(await tx.lockProduct(current.id), current.id);
    });
    await this.afterCommit([{ id: updated.id, skus: [previousSku ?? updated.sku, updated.sku] }]);
    return updated;
  }

  /** Locks the product and checks the caller's `If-Match` versions against it. */
  private async lockForWrite(tx: CatalogTransaction, id: string, expectedVersions: number[]): Promise<ProductWithAvailability> {
    const current = isUuid(id) ? await tx.lockProduct(id.toLowerCase()) : undefined;
    if (!current) throw new AppError('not_found', `No product ${id}`);
    if (!expectedVersions.includes(current.version)) throw versionMismatch(current.version);
    return current;
  }

  private async categoryForSlug(tx: CatalogTransaction, slug: string | null): Promise<Category | null> {
    if (slug === null) return null;
    const category = await tx.findCategoryBySlug(slug);
    if (!category) throw new AppError('unprocessable', `There is no category "${slug}"`, { fields: [{ field: 'body.category', message: 'is not the slug of a category' }] });
    return category;
  }

  private async afterCommit(touched: Touched[]): Promise<void> {
    if (touched.length === 0) return;
    this.deps.onEventsCommitted();
    await Promise.all(
      touched.map(async ({ id, skus }) => {
        try {
          await this.deps.cache.invalidate(id, [...new Set(skus)]);
        } catch (error) {
          // The TTL bounds how long the stale entry can be served.
          this.deps.logger.warn({ err: error, productId: id }, 'product cache invalidation failed');
        }
      }),
    );
  }

  private now(): Date {
    return this.clock();
  }
}

function recordOf(input: ProductInput, categoryId: string | null, hash: string | null): ProductRecord {
  return {
    sku: input.sku,
    name: input.name,
    description: input.description,
    brand: input.brand,
    categoryId,
    imageUrls: input.imageUrls,
    attributes: input.attributes,
    priceAmount: input.price.amount,
    priceCurrency: input.price.currency,
    status: input.status,
    contentHash: hash,
  };
}

function positionAfter(hit: ProductHit | ProductWithAvailability, sort: ProductSort): SortPosition {
  switch (sort) {
    case 'newest':
      return { sort, createdAt: hit.createdAt.toISOString(), id: hit.id };
    case 'price':
    case '-price':
      return { sort, price: hit.price.amount, id: hit.id };
    case 'relevance':
      return { sort, rank: (hit as ProductHit).rank, id: hit.id };
  }
}

function versionMismatch(currentVersion: number): AppError {
  return new AppError('precondition_failed', `The product has changed: it is at version ${currentVersion}. Read it again and retry with its ETag.`, {
    extensions: { currentVersion },
  });
}

function skuTaken(sku: string): AppError {
  return new AppError('conflict', `A product with SKU ${sku} already exists`, { fields: [{ field: 'body.sku', message: 'is already used' }] });
}

function mustExist<T>(value: T | undefined, id: string): T {
  if (value === undefined) throw new Error(`product ${id} vanished inside its own transaction`);
  return value;
}

function externalIdOf(raw: unknown, index: number): string {
  const candidate = isJsonObject(raw) ? raw.externalId : undefined;
  return typeof candidate === 'string' && candidate.length > 0 ? candidate.slice(0, 200) : `#${index}`;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name);
}
