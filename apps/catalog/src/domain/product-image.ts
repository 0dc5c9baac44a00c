import {
  ImageUploadLimits,
  imageVariantFormats,
  imageVariantObjectName,
  imageVariantWidths,
  mediaPathOf,
  type ImageVariantFormat,
  type ProductImage,
} from '@shop/contracts';

// The rules of product images, without I/O: what an upload really is (by its first bytes), which sizes it may have,
// which variants it gets and what they are called, and how reads show them.

/** Content types an upload may really be, as `sniffImageType` names them. */
export type SniffedImageType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp' | 'image/avif' | 'image/tiff';

/** Bytes of an upload's start that `sniffImageType` needs. */
export const IMAGE_SNIFF_BYTES = 32;

/** The upload limits a catalog enforces (ImageUploadLimits unless a test lowers them). */
export type ImageLimits = { readonly [K in keyof typeof ImageUploadLimits]: number };

/** One variant as stored with its image: the URL is derived from the image id when it is read. */
export interface StoredImageVariant {
  width: number;
  height: number;
  format: ImageVariantFormat;
}

/** A product image as stored (the product_images row). */
export interface StoredProductImage {
  /** SHA-256 (hex) of the original upload. */
  id: string;
  width: number;
  height: number;
  alt: string | null;
  variants: StoredImageVariant[];
}

function startsWith(head: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  return head.length >= offset + bytes.length && bytes.every((byte, index) => head[offset + index] === byte);
}

function asciiAt(head: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...head.subarray(offset, offset + length));
}

/**
 * What an upload really is, judged by its magic numbers (never by its file name or the part's Content-Type, which
 * the client chooses); undefined when it is none of the accepted image types.
 */
export function sniffImageType(head: Uint8Array): SniffedImageType | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (asciiAt(head, 0, 6) === 'GIF87a' || asciiAt(head, 0, 6) === 'GIF89a') return 'image/gif';
  if (asciiAt(head, 0, 4) === 'RIFF' && asciiAt(head, 8, 4) === 'WEBP') return 'image/webp';
  // ISO-BMFF: a box size, then `ftyp` and the major brand.
  if (asciiAt(head, 4, 4) === 'ftyp' && ['avif', 'avis'].includes(asciiAt(head, 8, 4))) return 'image/avif';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  return undefined;
}

/** Why the dimensions of an upload are refused, or undefined when they are fine. */
export function dimensionProblemOf(size: { width: number; height: number }, limits: ImageLimits): 'too_many_pixels' | 'too_small' | undefined {
  if (size.width * size.height > limits.maxPixels) return 'too_many_pixels';
  if (Math.min(size.width, size.height) < limits.minSide) return 'too_small';
  return undefined;
}

/**
 * The widths an image of `originalWidth` px is served in: each of imageVariantWidths, never enlarged (a narrower
 * original is served at its own width instead, once).
 */
export function variantWidthsOf(originalWidth: number): number[] {
  return [...new Set(imageVariantWidths.map((width) => Math.min(width, originalWidth)))];
}

/** Every variant an image gets: each width in each format (best format first). */
export function variantPlanOf(originalWidth: number): Array<{ width: number; format: ImageVariantFormat }> {
  return variantWidthsOf(originalWidth).flatMap((width) => imageVariantFormats.map((format) => ({ width, format })));
}

/** The media object name of a stored variant. */
export function variantObjectName(imageId: string, variant: Pick<StoredImageVariant, 'width' | 'format'>): string {
  return imageVariantObjectName(imageId, variant.width, variant.format);
}

/** True when `value` is an image id: the SHA-256 of an upload in lower-case hex. */
export function isImageId(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}

/**
 * The URL of a media object: its `/media/...` path, behind `mediaBaseUrl` when one is set (MEDIA_PUBLIC_BASE_URL: an
 * absolute origin, for readers that are not on the shop's own host, such as partners).
 */
export function mediaUrlOf(name: string, mediaBaseUrl?: string): string {
  return mediaBaseUrl === undefined ? mediaPathOf(name) : `${mediaBaseUrl.replace(/\/+$/, '')}${mediaPathOf(name)}`;
}

/** A stored image as reads show it; the alternative text defaults to the product's name. */
export function toProductImage(image: StoredProductImage, productName: string, mediaBaseUrl?: string): ProductImage {
  return {
    id: image.id,
    width: image.width,
    height: image.height,
    alt: image.alt ?? productName,
    variants: image.variants.map((variant) => ({ ...variant, url: mediaUrlOf(variantObjectName(image.id, variant), mediaBaseUrl) })),
  };
}

/** Width of the variant a listing shows (cart lines, product cards): 640 px, or the widest below when smaller. */
export const LISTING_IMAGE_WIDTH = 640;

/** The URL a listing shows an image by: its 640 px JPEG, or its widest JPEG below 640 px (or any JPEG at all). */
export function listingImageUrlOf(image: StoredProductImage, mediaBaseUrl?: string): string | undefined {
  const jpegs = image.variants.filter((variant) => variant.format === 'jpeg').sort((a, b) => b.width - a.width);
  const chosen = jpegs.find((variant) => variant.width <= LISTING_IMAGE_WIDTH) ?? jpegs.at(-1);
  return chosen && mediaUrlOf(variantObjectName(image.id, chosen), mediaBaseUrl);
}
