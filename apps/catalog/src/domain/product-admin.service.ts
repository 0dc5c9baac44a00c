import { randomUUID } from 'node:crypto';
import { AuditActions, isUuid, productInputSchema, type ProductInput, type ProductPatch } from '@shop/contracts';
import { AppError, noAuditRecorder, type AuditRecorder } from '@shop/kernel';
import type { AfterCommit } from './after-commit';
import { applyMergePatch } from './merge-patch';
import type { Actor, CatalogContext, Category } from './ports';
import { changedFields, inputOf, recordOf, type ProductWithAvailability } from './product';
import type { ProductAdminRepository, ProductAdminTransaction } from './product-admin.ports';
import { defaultProductLanguages, type ProductLanguages } from './product-language';
import { ProductEventTypes, eventActorOf, productChanged, productDeleted } from './product-events';

/** What product administration is built from. */
export interface ProductAdminServiceDeps {
  repository: ProductAdminRepository;
  afterCommit: AfterCommit;
  /** Where admin changes are audited (after their commit); default: nowhere. */
  audit?: AuditRecorder;
  /** The languages a product may carry translations in (besides the base one its own texts are in). Default: en, with de and ja. */
  productLanguages?: ProductLanguages;
  clock?: () => Date;
  newId?: () => string;
}

/**
 * Admin product changes: create, replace, merge-patch, archive, delete, and the stock on hand. Every change but
 * create is guarded by the versions of the caller's `If-Match` (optimistic concurrency), and enqueues its product
 * event, with the acting admin, in the same transaction (outbox).
 */
export class ProductAdminService {
  private readonly clock: () => Date;
  private readonly newId: () => string;

  constructor(private readonly deps: ProductAdminServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
  }

  /** Creates a product. Duplicate SKU → conflict; unknown category → unprocessable. */
  async createProduct(ctx: CatalogContext, input: ProductInput): Promise<ProductWithAvailability> {
    this.checkTranslations(input);
    const id = this.newId();
    const created = await this.deps.repository.transaction(async (tx) => {
      const category = await categoryForSlug(tx, input.category);
      const inserted = await tx.insertProduct({ id, ...recordOf(input, category?.id ?? null, null), source: null, externalId: null, now: this.clock() });
      if (!inserted) throw skuTaken(input.sku);
      await tx.enqueueProductEvent(productChanged(ProductEventTypes.created, { productId: id, sku: input.sku, version: 1, changes: input, actor: eventActorOf(ctx.actor) }));
      return mustExist(await tx.lockProduct(id), id);
    });
    await this.deps.afterCommit.productsChanged([{ id, skus: [input.sku] }]);
    this.audit(ctx, AuditActions.productCreated, id, { sku: input.sku });
    return created;
  }

  /** Replaces every writable field (PUT). */
  replaceProduct(ctx: CatalogContext, id: string, expectedVersions: number[], input: ProductInput): Promise<ProductWithAvailability> {
    return this.changeProduct(ctx, id, expectedVersions, () => input);
  }

  /** Applies a JSON merge-patch to the writable fields (PATCH); the merged product must be valid as a whole. */
  patchProduct(ctx: CatalogContext, id: string, expectedVersions: number[], patch: ProductPatch): Promise<ProductWithAvailability> {
    return this.changeProduct(ctx, id, expectedVersions, (current) => {
      const merged = productInputSchema.safeParse(applyMergePatch(inputOf(current), patch));
      if (!merged.success) throw AppError.fromIssues(merged.error.issues, 'body');
      return merged.data;
    });
  }

  /** Takes a product off sale without deleting it. */
  archiveProduct(ctx: CatalogContext, id: string, expectedVersions: number[]): Promise<ProductWithAvailability> {
    return this.changeProduct(ctx, id, expectedVersions, (current) => ({ ...inputOf(current), status: 'archived' }));
  }

  /** Deletes a product; refused while reservations refer to it. */
  async deleteProduct(ctx: CatalogContext, id: string, expectedVersions: number[]): Promise<void> {
    const sku = await this.deps.repository.transaction(async (tx) => {
      const current = await lockForWrite(tx, id, expectedVersions);
      if (!(await tx.deleteProduct(current.id))) {
        throw new AppError('conflict', 'Orders hold reservations of this product; archive it instead');
      }
      await tx.enqueueProductEvent(productDeleted({ productId: current.id, sku: current.sku, actor: eventActorOf(ctx.actor) }));
      return current.sku;
    });
    await this.deps.afterCommit.productsChanged([{ id: id.toLowerCase(), skus: [sku] }]);
    this.audit(ctx, AuditActions.productDeleted, id.toLowerCase(), { sku });
  }

  /** Sets the stock on hand; below what is reserved → conflict. Bumps the version like any other change. */
  async setInventory(ctx: CatalogContext, id: string, expectedVersions: number[], onHand: number): Promise<ProductWithAvailability> {
    let previousOnHand: number | undefined;
    const updated = await this.deps.repository.transaction(async (tx) => {
      const current = await lockForWrite(tx, id, expectedVersions);
      if (current.onHand === onHand) return current;
      previousOnHand = current.onHand;
      if (!(await tx.setOnHand(current.id, onHand, this.clock()))) {
        throw new AppError('conflict', `${current.reserved} units are reserved; on hand cannot go below that`, { extensions: { reserved: current.reserved } });
      }
      const version = await tx.touchProduct(current.id, current.version, this.clock());
      if (version === undefined) throw versionMismatch(current.version);
      await tx.enqueueProductEvent(
        productChanged(ProductEventTypes.updated, { productId: current.id, sku: current.sku, version, changes: { onHand }, actor: eventActorOf(ctx.actor) }),
      );
      return mustExist(await tx.lockProduct(current.id), current.id);
    });
    await this.deps.afterCommit.productsChanged([{ id: updated.id, skus: [updated.sku] }]);
    if (previousOnHand !== undefined) this.audit(ctx, AuditActions.productStockSet, updated.id, { sku: updated.sku, onHand: { from: previousOnHand, to: onHand } });
    return updated;
  }

  private async changeProduct(ctx: CatalogContext, id: string, expectedVersions: number[], nextInput: (current: ProductWithAvailability) => ProductInput): Promise<ProductWithAvailability> {
    let previousSku: string | undefined;
    let changedFieldNames: string[] = [];
    const updated = await this.deps.repository.transaction(async (tx) => {
      const current = await lockForWrite(tx, id, expectedVersions);
      previousSku = current.sku;
      const input = nextInput(current);
      this.checkTranslations(input);
      const changes = changedFields(inputOf(current), input);
      if (Object.keys(changes).length === 0) return current;
      changedFieldNames = Object.keys(changes);
      if (changes.sku !== undefined && (await tx.productIdUsingSku(input.sku)) !== undefined) throw skuTaken(input.sku);
      const category = await categoryForSlug(tx, input.category);
      // An admin edit overrides what a sync delivered: clearing the hash lets the next sync apply its content again.
      const version = await tx.updateProduct(current.id, current.version, recordOf(input, category?.id ?? null, null), this.clock());
      if (version === undefined) throw versionMismatch(current.version);
      await tx.enqueueProductEvent(productChanged(ProductEventTypes.updated, { productId: current.id, sku: input.sku, version, changes, actor: eventActorOf(ctx.actor) }));
      return mustExist(await tx.lockProduct(current.id), current.id);
    });
    await this.deps.afterCommit.productsChanged([{ id: updated.id, skus: [previousSku ?? updated.sku, updated.sku] }]);
    if (changedFieldNames.length > 0) this.audit(ctx, AuditActions.productUpdated, updated.id, { sku: updated.sku, changed: changedFieldNames });
    return updated;
  }

  /**
   * Refuses a translation in a language the catalog does not serve, or in its base language (the product's own name
   * and description are in it): stored, it would never be shown.
   */
  private checkTranslations(input: ProductInput): void {
    const languages = this.deps.productLanguages ?? defaultProductLanguages;
    const refused = Object.keys(input.translations).filter((language) => !languages.translated.includes(language));
    if (refused.length === 0) return;
    const allowed = languages.translated.join(', ') || 'none';
    throw new AppError('invalid', `A product can be translated into ${allowed}; not into ${refused.join(', ')} (${languages.base} is the language of name and description)`, {
      fields: refused.map((language) => ({ field: `body.translations.${language}`, message: `must be one of ${allowed}` })),
    });
  }

  /** Audits a committed change (names of the changed fields, not their values: the product event carries those). */
  private audit(ctx: CatalogContext, action: string, productId: string, details: Record<string, unknown>): void {
    (this.deps.audit ?? noAuditRecorder).record({ actor: auditActorOf(ctx.actor), action, subject: { type: 'product', id: productId }, details });
  }
}

/** The audit actor of a catalog actor: the admin's user id, or the system job's name. */
function auditActorOf(actor: Actor): { type: 'user' | 'system'; id: string } {
  return actor.kind === 'user' ? { type: 'user', id: actor.userId } : { type: 'system', id: actor.name };
}

/** Locks the product and checks the caller's `If-Match` versions against it. */
async function lockForWrite(tx: ProductAdminTransaction, id: string, expectedVersions: number[]): Promise<ProductWithAvailability> {
  const current = isUuid(id) ? await tx.lockProduct(id.toLowerCase()) : undefined;
  if (!current) throw new AppError('not_found', `No product ${id}`);
  if (!expectedVersions.includes(current.version)) throw versionMismatch(current.version);
  return current;
}

async function categoryForSlug(tx: ProductAdminTransaction, slug: string | null): Promise<Category | null> {
  if (slug === null) return null;
  const category = await tx.findCategoryBySlug(slug);
  if (!category) throw new AppError('unprocessable', `There is no category "${slug}"`, { fields: [{ field: 'body.category', message: 'is not the slug of a category' }] });
  return category;
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
