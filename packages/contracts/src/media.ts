import { z } from 'zod';

// Product media: images an admin uploads (`POST /api/catalog/products/{id}/images`, multipart field `file`), stored
// once by content hash and served in responsive variants from `/media/{name}` (Front Door in front, cached for a year:
// a name never changes its bytes).

/** Widths (px) every image is served in; the storefront's `srcset` lists them. */
export const imageVariantWidths = [320, 640, 1280] as const;
/** Formats every width is served in, best first: the `<picture>` sources, JPEG the fallback `<img>`. */
export const imageVariantFormats = ['avif', 'webp', 'jpeg'] as const;
/** A variant's format. */
export type ImageVariantFormat = (typeof imageVariantFormats)[number];

/** The path prefix media is served from (the gateway and the Front Door media route map it to the media store). */
export const MEDIA_PATH_PREFIX = '/media';

/** Upload limits: anything beyond is a 4xx and nothing is stored. */
export const ImageUploadLimits = {
  /** Largest upload in bytes. */
  maxBytes: 15 * 1024 * 1024,
  /** Most pixels (width × height) of an upload: bounds the memory a decode may take. */
  maxPixels: 40_000_000,
  /** Smallest side in px. */
  minSide: 64,
  /** Images per product at most. */
  maxImagesPerProduct: 20,
} as const;

/** Content types an upload may really be (judged by its bytes, never by its name). */
export const acceptedImageTypes = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif', 'image/tiff'] as const;

/** One served rendition of an image. */
export const imageVariantSchema = z
  .object({
    width: z.number().int().min(1),
    height: z.number().int().min(1),
    format: z.enum(imageVariantFormats),
    url: z.string().meta({ description: 'Path (or absolute URL behind a CDN) of the variant; immutable, named by content hash' }),
  })
  .meta({ id: 'ImageVariant', description: 'One width and format of a product image' });
/** One served rendition of an image. */
export type ImageVariant = z.infer<typeof imageVariantSchema>;

/** A product image as reads show it. */
export const productImageSchema = z
  .object({
    id: z.string().meta({ description: 'The content hash (SHA-256, hex) of the original upload' }),
    width: z.number().int().min(1).meta({ description: 'Of the original' }),
    height: z.number().int().min(1).meta({ description: 'Of the original' }),
    alt: z.string().meta({ description: 'Alternative text (the product name unless an admin gave one)' }),
    variants: z.array(imageVariantSchema),
  })
  .meta({ id: 'ProductImage', description: 'An image of a product with its responsive variants' });
/** A product image as reads show it. */
export type ProductImage = z.infer<typeof productImageSchema>;

/** Cache-Control of every media object: a name never changes its bytes, so caches may keep it for a year. */
export const MEDIA_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** The content type of each variant format. */
export const imageVariantContentTypes: Readonly<Record<ImageVariantFormat, string>> = { avif: 'image/avif', webp: 'image/webp', jpeg: 'image/jpeg' };

/** The media object name of a variant, `<sha256>/<width>.<format>` (the blob name in Azure, the path under /media). */
export function imageVariantObjectName(imageId: string, width: number, format: ImageVariantFormat): string {
  return `${imageId}/${width}.${format}`;
}

/** The path a media object is served at: `/media/<name>` (by the catalog, and by Front Door straight from the container). */
export function mediaPathOf(name: string): string {
  return `${MEDIA_PATH_PREFIX}/${name}`;
}

/** The text fields of an image upload (multipart/form-data, beside the `file` part). */
export const imageUploadFieldsSchema = z
  .strictObject({
    alt: z
      .string()
      .trim()
      .min(1)
      .max(300)
      .refine((value) => Array.from(value).every((character) => character.charCodeAt(0) > 0x1f && character.charCodeAt(0) !== 0x7f), { error: 'must not contain control characters' })
      .optional()
      .meta({ description: 'Alternative text of the image (default: the product name)' }),
  })
  .meta({ id: 'ImageUploadFields', description: 'Text fields of an image upload' });
/** The text fields of an image upload. */
export type ImageUploadFields = z.infer<typeof imageUploadFieldsSchema>;

/** Reply of the catalog's internal `POST /internal/catalog/media/sweep`: what one sweep of unreferenced media did. */
export const mediaSweepReportSchema = z
  .object({
    orphansSwept: z.number().int().min(0).meta({ description: 'Images whose objects were deleted: no product had them for longer than the grace period' }),
    orphansAdopted: z.number().int().min(0).meta({ description: 'Orphan entries dropped without deleting anything: a product has the image again' }),
    unrecordedSwept: z.number().int().min(0).meta({ description: 'Images whose objects had neither a product nor an orphan entry (an upload that never got its row) and were deleted' }),
    objectsDeleted: z.number().int().min(0).meta({ description: 'Media objects deleted in all' }),
  })
  .meta({ id: 'MediaSweepReport', description: 'What one sweep of unreferenced media deleted' });
/** What one sweep of unreferenced media did. */
export type MediaSweepReport = z.infer<typeof mediaSweepReportSchema>;
