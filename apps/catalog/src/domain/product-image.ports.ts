import type { ImageVariantFormat } from '@shop/contracts';
import type { ProductEvent } from './product-events';
import type { ProductWithAvailability } from './product';
import type { StoredProductImage } from './product-image';

/** Where an image's bytes are: a file (an upload spooled to disk) or a buffer (an image the demo seed drew). */
export type ImageSource = string | Buffer;

/** What decoding an image's header found. */
export type ImageInspection = { kind: 'image'; width: number; height: number } | { kind: 'too_many_pixels' } | { kind: 'corrupt' };

/** One rendered variant: its bytes and its real size. */
export interface RenderedVariant {
  width: number;
  height: number;
  format: ImageVariantFormat;
  bytes: Buffer;
}

/** Port: decodes and renders images (sharp in data/). Never trusts the image: every decode is bounded by `maxPixels`. */
export interface ImageProcessor {
  /** The image's size as shown (after its EXIF orientation), or why it cannot be used. */
  inspect(source: ImageSource, limits: { maxPixels: number }): Promise<ImageInspection>;
  /** Renders each planned variant: turned upright by its EXIF orientation, metadata stripped, never enlarged. */
  variants(
    source: ImageSource,
    plan: ReadonlyArray<{ width: number; format: ImageVariantFormat }>,
    limits: { maxPixels: number },
  ): Promise<{ kind: 'rendered'; variants: RenderedVariant[] } | { kind: 'too_many_pixels' } | { kind: 'corrupt' }>;
}

/**
 * Port: the part of the media store (`@shop/media-store`'s MediaStore, whose adapters pass its contract suite) that
 * images need: objects named by content, written once.
 */
export interface MediaObjects {
  /** Stores the bytes under the name unless an object of that name exists already. */
  put(name: string, body: Buffer, options: { contentType: string; cacheControl?: string }): Promise<unknown>;
  /** What is stored under the name, or null. */
  stat(name: string): Promise<{ size: number } | null>;
}

/** Port: the product images table and the product writes an image change makes. */
export interface ProductImageRepository {
  /** The product with its images, read without a lock (the checks before any work is done). */
  findProduct(id: string): Promise<ProductWithAvailability | undefined>;
  /** The ids of the products with these SKUs (those that exist). */
  productIdsBySku(skus: readonly string[]): Promise<Map<string, string>>;
  /** The image with this id as some product has it (its size and variants), or undefined when none has. */
  findStoredImage(imageId: string): Promise<StoredProductImage | undefined>;
  /** Runs `work` in one transaction: the image row, the version bump and the product event commit together. */
  transaction<T>(work: (tx: ProductImageTransaction) => Promise<T>): Promise<T>;
}

/** Port: what an image change does inside its transaction. */
export interface ProductImageTransaction {
  /**
   * Holds the image's lock until the transaction ends, the one the media sweep deletes an image's objects under. Taken
   * first, before the product's lock, in every transaction that takes both (so two never wait for each other).
   */
  lockImage(imageId: string): Promise<void>;
  /** Reads the product with its images and locks it until the transaction ends. */
  lockProduct(id: string): Promise<ProductWithAvailability | undefined>;
  /** Adds an image at the end of the product's images. */
  appendImage(productId: string, image: StoredProductImage, now: Date): Promise<void>;
  /** Removes an image from a product; false when the product did not have it. */
  removeImage(productId: string, imageId: string): Promise<boolean>;
  /** Bumps the product's version (so its ETag and its cached representation change); the new version, or undefined. */
  touchProduct(id: string, expectedVersion: number, now: Date): Promise<number | undefined>;
  /** Writes a product event to the outbox, published after commit. */
  enqueueProductEvent(event: ProductEvent): Promise<void>;
}
