import { AuditActions, ImageUploadLimits, MEDIA_CACHE_CONTROL, imageVariantContentTypes, isUuid, type ProductImage } from '@shop/contracts';
import { noAuditRecorder, type AuditRecorder } from '@shop/kernel';
import type { AfterCommit } from './after-commit';
import type { Actor, CatalogContext } from './ports';
import type { ProductWithAvailability } from './product';
import { dimensionProblemOf, sniffImageType, toProductImage, variantObjectName, variantPlanOf, type ImageLimits, type StoredProductImage } from './product-image';
import type { ImageProcessor, ImageSource, MediaObjects, ProductImageRepository, ProductImageTransaction } from './product-image.ports';
import { ProductEventTypes, eventActorOf, productChanged } from './product-events';

/** What the product images are built from. */
export interface ProductImageServiceDeps {
  repository: ProductImageRepository;
  processor: ImageProcessor;
  media: MediaObjects;
  afterCommit: AfterCommit;
  /** Upload limits; default ImageUploadLimits (tests lower them). */
  limits?: Partial<ImageLimits>;
  audit?: AuditRecorder;
  /** The absolute origin of media URLs in answers (MEDIA_PUBLIC_BASE_URL); default: paths. */
  mediaBaseUrl?: string;
  clock?: () => Date;
}

/** An image to add: its bytes, their SHA-256 (hex, its id) and its first bytes (what it really is). */
export interface ImageUpload {
  source: ImageSource;
  sha256: string;
  /** At least the first IMAGE_SNIFF_BYTES bytes. */
  head: Uint8Array;
  /** Alternative text; none: the product's name. */
  alt?: string | null;
}

/** How adding an image ended: the route turns every outcome but the first two into a problem. */
export type AddImageOutcome =
  | { kind: 'added'; product: ProductWithAvailability; image: ProductImage }
  | { kind: 'already_there'; product: ProductWithAvailability; image: ProductImage }
  | { kind: 'product_not_found' }
  | { kind: 'unsupported_type' }
  | { kind: 'corrupt' }
  | { kind: 'too_many_pixels'; maxPixels: number }
  | { kind: 'too_small'; minSide: number }
  | { kind: 'too_many_images'; maxImages: number };

/** How storing an image's variants ended. */
type StoreOutcome = { kind: 'stored'; image: StoredProductImage } | { kind: 'too_many_pixels' } | { kind: 'corrupt' };

/** How removing an image ended. */
export type RemoveImageOutcome = { kind: 'removed'; product: ProductWithAvailability } | { kind: 'product_not_found' } | { kind: 'image_not_found' };

/**
 * Product images: an upload is checked (what its bytes really are, its size), rendered into its variants (each width
 * of imageVariantWidths in each format), stored in the media store by content hash, and then attached to the product,
 * whose version goes up and whose `product.updated` goes out through the outbox like any admin change. Every check
 * runs before anything is written, so a refused upload leaves neither an object nor a row. The same image again is
 * not an error: the product keeps the one it has.
 */
export class ProductImageService {
  private readonly limits: ImageLimits;
  private readonly clock: () => Date;

  constructor(private readonly deps: ProductImageServiceDeps) {
    this.limits = { ...ImageUploadLimits, ...deps.limits };
    this.clock = deps.clock ?? (() => new Date());
  }

  /** The limits uploads are held to (the route stops reading a body past `maxBytes`). */
  get uploadLimits(): ImageLimits {
    return this.limits;
  }

  /** The ids of the products with these SKUs (the demo seed attaches its images by SKU). */
  productIdsBySku(skus: readonly string[]): Promise<Map<string, string>> {
    return this.deps.repository.productIdsBySku(skus);
  }

  /** Adds an image to a product (at the end of its images). */
  async addImage(ctx: CatalogContext, productId: string, upload: ImageUpload): Promise<AddImageOutcome> {
    const product = isUuid(productId) ? await this.deps.repository.findProduct(productId.toLowerCase()) : undefined;
    if (!product) return { kind: 'product_not_found' };
    const existing = product.images.find((image) => image.id === upload.sha256);
    if (existing) return { kind: 'already_there', product, image: toProductImage(existing, product.name, this.deps.mediaBaseUrl) };
    if (product.images.length >= this.limits.maxImagesPerProduct) return { kind: 'too_many_images', maxImages: this.limits.maxImagesPerProduct };
    if (!sniffImageType(upload.head)) return { kind: 'unsupported_type' };
    const inspection = await this.deps.processor.inspect(upload.source, this.limits);
    if (inspection.kind === 'corrupt') return inspection;
    if (inspection.kind === 'too_many_pixels') return { kind: 'too_many_pixels', maxPixels: this.limits.maxPixels };
    const problem = dimensionProblemOf(inspection, this.limits);
    if (problem === 'too_many_pixels') return { kind: 'too_many_pixels', maxPixels: this.limits.maxPixels };
    if (problem === 'too_small') return { kind: 'too_small', minSide: this.limits.minSide };

    const stored = await this.storeVariants(upload, inspection.width, inspection.height, { reuseStored: true });
    if (stored.kind !== 'stored') return this.refusalOf(stored);
    return this.attach(ctx, product.id, stored.image, () => this.storeVariants(upload, inspection.width, inspection.height, { reuseStored: false }));
  }

  /** The outcome of an upload whose variants could not be rendered. */
  private refusalOf(outcome: Exclude<StoreOutcome, { kind: 'stored' }>): AddImageOutcome {
    return outcome.kind === 'too_many_pixels' ? { kind: 'too_many_pixels', maxPixels: this.limits.maxPixels } : outcome;
  }

  /**
   * Removes an image from a product. Its media objects stay: they are named by content and may be another product's
   * too; when no product has the image any more, it goes on the orphan list, whose entries the media sweep deletes
   * after the grace period.
   */
  async removeImage(ctx: CatalogContext, productId: string, imageId: string): Promise<RemoveImageOutcome> {
    if (!isUuid(productId)) return { kind: 'product_not_found' };
    const id = productId.toLowerCase();
    const outcome = await this.deps.repository.transaction(async (tx): Promise<RemoveImageOutcome> => {
      // Detaches of one image from two products one after another: the second sees the first's row gone, so the
      // image's last detach always knows it is the last and puts the image on the orphan list.
      await tx.lockImage(imageId);
      const current = await tx.lockProduct(id);
      if (!current) return { kind: 'product_not_found' };
      if (!(await tx.removeImage(id, imageId))) return { kind: 'image_not_found' };
      const product = await this.bump(tx, current, current.images.filter((image) => image.id !== imageId), ctx.actor);
      return { kind: 'removed', product };
    });
    if (outcome.kind === 'removed') await this.committed(ctx, outcome.product);
    return outcome;
  }

  /** True when every variant object of the image is in the media store. */
  private async variantsAllStored(image: StoredProductImage): Promise<boolean> {
    const present = await Promise.all(image.variants.map((variant) => this.deps.media.stat(variantObjectName(image.id, variant))));
    return present.every((info) => info !== null);
  }

  /**
   * Renders and stores the variants an image needs; with `reuseStored`, an image another product shows already, whose
   * objects are all stored, is not rendered again (the demo seed gives one image to many products). Without it, no
   * database read: the attach calls it inside its transaction.
   */
  private async storeVariants(upload: ImageUpload, width: number, height: number, options: { reuseStored: boolean }): Promise<StoreOutcome> {
    const known = options.reuseStored ? await this.deps.repository.findStoredImage(upload.sha256) : undefined;
    if (known && (await this.variantsAllStored(known))) return { kind: 'stored', image: { ...known, alt: upload.alt ?? null } };
    // Every variant is rendered before the first is stored: a decode that fails half-way stores nothing.
    const rendered = await this.deps.processor.variants(upload.source, variantPlanOf(width), this.limits);
    if (rendered.kind !== 'rendered') return rendered;
    for (const variant of rendered.variants) {
      await this.deps.media.put(variantObjectName(upload.sha256, variant), variant.bytes, { contentType: imageVariantContentTypes[variant.format], cacheControl: MEDIA_CACHE_CONTROL });
    }
    const variants = rendered.variants.map(({ width: variantWidth, height: variantHeight, format }) => ({ width: variantWidth, height: variantHeight, format }));
    return { kind: 'stored', image: { id: upload.sha256, width, height, alt: upload.alt ?? null, variants } };
  }

  /**
   * Attaches the stored image to the product. `store` stores its variants again: called, under the image's lock,
   * only when a sweep took them after they were stored or found.
   */
  private async attach(ctx: CatalogContext, productId: string, stored: StoredProductImage, store: () => Promise<StoreOutcome>): Promise<AddImageOutcome> {
    const outcome = await this.deps.repository.transaction(async (tx): Promise<AddImageOutcome> => {
      // Under the image's lock the media sweep cannot delete its objects, but one that ran before may have (after
      // storeVariants found or wrote them): they are checked here, and stored again here when gone, so the row goes in
      // only while they are there and no later sweep can take them first. Rendering under the lock is the rare path
      // (an upload racing a sweep of the same bytes): it holds up only sweeps and detaches of this image. The store is
      // asked with no row locked yet; the product's lock comes after.
      await tx.lockImage(stored.id);
      let image = stored;
      if (!(await this.variantsAllStored(image))) {
        const again = await store();
        if (again.kind !== 'stored') return this.refusalOf(again);
        image = again.image;
      }
      const current = await tx.lockProduct(productId);
      if (!current) return { kind: 'product_not_found' };
      // Checked again under the lock: another upload may have been attached since the first look.
      const existing = current.images.find((candidate) => candidate.id === image.id);
      if (existing) return { kind: 'already_there', product: current, image: toProductImage(existing, current.name, this.deps.mediaBaseUrl) };
      if (current.images.length >= this.limits.maxImagesPerProduct) return { kind: 'too_many_images', maxImages: this.limits.maxImagesPerProduct };
      await tx.appendImage(current.id, image, this.clock());
      const product = await this.bump(tx, current, [...current.images, image], ctx.actor);
      return { kind: 'added', product, image: toProductImage(image, product.name, this.deps.mediaBaseUrl) };
    });
    if (outcome.kind === 'added') await this.committed(ctx, outcome.product);
    return outcome;
  }

  /** Bumps the version and enqueues `product.updated` with the new image list; the product as it now is. */
  private async bump(tx: ProductImageTransaction, current: ProductWithAvailability, images: StoredProductImage[], actor: Actor): Promise<ProductWithAvailability> {
    const now = this.clock();
    const version = await tx.touchProduct(current.id, current.version, now);
    // The row is locked: its version cannot have moved.
    if (version === undefined) throw new Error(`product ${current.id} changed under its lock`);
    const changes = { images: images.map((image) => image.id) };
    await tx.enqueueProductEvent(productChanged(ProductEventTypes.updated, { productId: current.id, sku: current.sku, version, changes, actor: eventActorOf(actor) }));
    // Nothing else of the locked row changed: no second read (the demo seed attaches hundreds).
    return { ...current, images, version, updatedAt: now };
  }

  private async committed(ctx: CatalogContext, product: ProductWithAvailability): Promise<void> {
    await this.deps.afterCommit.productsChanged([{ id: product.id, skus: [product.sku] }]);
    const actor = ctx.actor.kind === 'user' ? { type: 'user' as const, id: ctx.actor.userId } : { type: 'system' as const, id: ctx.actor.name };
    (this.deps.audit ?? noAuditRecorder).record({ actor, action: AuditActions.productUpdated, subject: { type: 'product', id: product.id }, details: { sku: product.sku, changed: ['images'] } });
  }
}
