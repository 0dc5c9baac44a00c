import { z } from 'zod';
import type { Money } from '@shop/contracts';
import { moneySchema } from '@shop/contracts';

/** Lifecycle of a product: only `active` ones are public. */
export const productStatuses = ['active', 'draft', 'archived'] as const;
export type ProductStatus = (typeof productStatuses)[number];

/** A product as stored (without availability). */
export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  brand: string | null;
  category: CategoryRef | null;
  imageUrls: string[];
  attributes: Record<string, unknown>;
  price: Money;
  status: ProductStatus;
  version: number;
  source: string | null;
  externalId: string | null;
  contentHash: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a product says about its category. */
export interface CategoryRef {
  id: string;
  slug: string;
  name: string;
  /** Names from the root down, joined by " > ". */
  path: string;
}

/** Stock that can still be sold: on hand minus reserved. */
export interface Availability {
  available: number;
  inStock: boolean;
}

/** A product with its availability, as reads return it. */
export interface ProductWithAvailability extends Product {
  onHand: number;
  reserved: number;
}

/**
 * SKUs are short codes of letters, digits, dots, dashes and underscores. A UUID-shaped SKU is refused so that
 * `/products/{id-or-sku}` is never ambiguous.
 */
export const skuSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit' })
  .refine((sku) => !isUuid(sku), { error: 'must not look like a product id (UUID)' });

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` has the shape of a UUID (product ids are UUIDs). */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

const imageUrlSchema = z
  .string()
  .max(2048)
  .refine((value) => hasNoControlCharacters(value) && !/\s/.test(value), { error: 'must not contain spaces or control characters' })
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'https:' || url.protocol === 'http:';
      } catch {
        return false;
      }
    },
    { error: 'must be an absolute http(s) URL' },
  );

const MAX_ATTRIBUTES_JSON_LENGTH = 16_384;

/** Free-form product attributes (colour, size, wattage...): a JSON object of bounded size. */
export const attributesSchema = z
  .record(z.string().min(1).max(64), z.json())
  // jsonb refuses the NUL character, escaped or not.
  .refine((value) => !JSON.stringify(value).includes('\\u0000'), { error: 'must not contain NUL characters' })
  .refine((value) => JSON.stringify(value).length <= MAX_ATTRIBUTES_JSON_LENGTH, { error: `must serialize to at most ${MAX_ATTRIBUTES_JSON_LENGTH} characters` });

/** Control characters other than tab and line breaks (PostgreSQL refuses NUL in text outright). */
const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** True when `value` holds no control characters that text columns cannot or should not store. */
export function hasNoControlCharacters(value: string): boolean {
  return !controlCharacters.test(value);
}

const trimmedText = (max: number) => z.string().trim().max(max).refine(hasNoControlCharacters, { error: 'must not contain control characters' });

/** The fields an admin writes (create and replace); the shape JSON merge-patches are applied to. */
export const productInputSchema = z.strictObject({
  sku: skuSchema,
  name: trimmedText(200).min(1, { error: 'must not be empty' }),
  description: trimmedText(10_000).default(''),
  brand: trimmedText(100).min(1).nullable().default(null),
  /** Slug of an existing category. */
  category: z.string().max(100).refine(hasNoControlCharacters, { error: 'must not contain control characters' }).nullable().default(null),
  imageUrls: z.array(imageUrlSchema).max(20).default([]),
  attributes: attributesSchema.default({}),
  price: moneySchema,
  status: z.enum(productStatuses).default('draft'),
});
/** A validated product input. */
export type ProductInput = z.infer<typeof productInputSchema>;

/** Fields a merge-patch may touch. */
export const patchableFields = Object.keys(productInputSchema.shape) as Array<keyof ProductInput>;

/** The writable fields of a stored product, in the shape of `ProductInput`. */
export function inputOf(product: Product): ProductInput {
  return {
    sku: product.sku,
    name: product.name,
    description: product.description,
    brand: product.brand,
    category: product.category?.slug ?? null,
    imageUrls: product.imageUrls,
    attributes: product.attributes as ProductInput['attributes'],
    price: product.price,
    status: product.status,
  };
}

/** The fields of `next` whose values differ from `previous`, with their new values. */
export function changedFields(previous: ProductInput, next: ProductInput): Partial<ProductInput> {
  const changes: Partial<ProductInput> = {};
  for (const key of Object.keys(next) as Array<keyof ProductInput>) {
    if (JSON.stringify(previous[key]) !== JSON.stringify(next[key])) (changes as Record<string, unknown>)[key] = next[key];
  }
  return changes;
}

/** The availability of a product from its inventory. */
export function availabilityOf(stock: { onHand: number; reserved: number }): Availability {
  const available = Math.max(0, stock.onHand - stock.reserved);
  return { available, inStock: available > 0 };
}

/** The public representation of a product. */
export interface ProductView {
  id: string;
  sku: string;
  name: string;
  description: string;
  brand: string | null;
  category: { slug: string; name: string; path: string } | null;
  imageUrls: string[];
  attributes: Record<string, unknown>;
  price: Money;
  status: ProductStatus;
  version: number;
  availability: Availability;
  createdAt: string;
  updatedAt: string;
}

/** The admin representation: the public one plus the stock figures and the sync origin. */
export interface AdminProductView extends ProductView {
  inventory: { onHand: number; reserved: number };
  source: string | null;
  externalId: string | null;
}

/** Renders a product for the public API. */
export function toProductView(product: ProductWithAvailability): ProductView {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    brand: product.brand,
    category: product.category ? { slug: product.category.slug, name: product.category.name, path: product.category.path } : null,
    imageUrls: product.imageUrls,
    attributes: product.attributes,
    price: product.price,
    status: product.status,
    version: product.version,
    availability: availabilityOf(product),
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}

/** Renders a product for the admin API. */
export function toAdminProductView(product: ProductWithAvailability): AdminProductView {
  return {
    ...toProductView(product),
    inventory: { onHand: product.onHand, reserved: product.reserved },
    source: product.source,
    externalId: product.externalId,
  };
}
