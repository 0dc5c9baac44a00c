import { z } from 'zod';
import { marketIdSchema, priceListEntrySchema } from './markets';
import { productImageSchema } from './media';
import { minorUnitsSchema, moneySchema } from './money';

// The catalog's public API (`/api/catalog/products`, `/api/catalog/categories`), its admin API (product writes,
// stock, reads of every status, sync runs) and its `product.*` and `inventory.*` event payloads.

// ---------------------------------------------------------------------------------------------------------------
// Field rules shared by the admin bodies and the supplier sync record (catalog-sync.ts)
// ---------------------------------------------------------------------------------------------------------------

/** Lifecycle of a product: only `active` ones are public. */
export const productStatuses = ['active', 'draft', 'archived'] as const;
/** Lifecycle of a product. */
export const productStatusSchema = z.enum(productStatuses).meta({ id: 'CatalogProductStatus', description: 'Only active products are public' });
/** Lifecycle of a product. */
export type ProductStatus = z.infer<typeof productStatusSchema>;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` has the shape of a UUID (product, category, order and run ids are UUIDs). */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** True for a C0 control character or DEL (code points, not a regular expression: the lint keeps those free of them). */
function isControlCharacter(code: number): boolean {
  return code <= 0x1f || code === 0x7f;
}

/**
 * True when `value` holds no control characters that text columns cannot or should not store: tab and line breaks
 * are fine, the rest (NUL above all, which PostgreSQL refuses in text outright) are not.
 */
export function hasNoControlCharacters(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (isControlCharacter(code) && code !== 0x09 && code !== 0x0a && code !== 0x0d) return false;
  }
  return true;
}

/**
 * SKUs are short codes of letters, digits, dots, dashes and underscores. A UUID-shaped SKU is refused so that
 * `/products/{id-or-sku}` is never ambiguous.
 */
export const skuSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit' })
  .refine((sku) => !isUuid(sku), { error: 'must not look like a product id (UUID)' });

/** Trimmed text of at most `max` characters without control characters. */
const trimmedText = (max: number) => z.string().trim().max(max).refine(hasNoControlCharacters, { error: 'must not contain control characters' });

/** An absolute http(s) URL of a product image. */
export const productImageUrlSchema = z
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

/** Longest serialized attributes object. */
export const MAX_ATTRIBUTES_JSON_LENGTH = 16_384;

/** Free-form product attributes (colour, size, wattage...): a JSON object of bounded size. */
export const productAttributesSchema = z
  .record(z.string().min(1).max(64), z.json())
  // jsonb refuses the NUL character, escaped or not.
  .refine((value) => !JSON.stringify(value).includes('\\u0000'), { error: 'must not contain NUL characters' })
  .refine((value) => JSON.stringify(value).length <= MAX_ATTRIBUTES_JSON_LENGTH, { error: `must serialize to at most ${MAX_ATTRIBUTES_JSON_LENGTH} characters` });

/** The language of a product's texts: an ISO 639 code in lower case (`en`, `de`, `ja`), no region (one German text serves de-DE and de-AT). */
export const contentLanguageSchema = z.string().regex(/^[a-z]{2,3}$/, { error: 'must be an ISO 639 language code in lower case, such as de or ja' });
/** The language of a product's texts. */
export type ContentLanguage = z.infer<typeof contentLanguageSchema>;

/** Most translations a product carries. */
export const MAX_PRODUCT_TRANSLATIONS = 20;

const productNameField = trimmedText(200).min(1, { error: 'must not be empty' });
const productDescriptionField = trimmedText(10_000);

/** A product's name and description in one other language than the catalog's base language. */
export const productTranslationSchema = z
  .strictObject({ name: productNameField, description: productDescriptionField.default('') })
  .meta({ id: 'CatalogProductTranslation', description: "A product's name and description in another language" });
/** A product's name and description in another language. */
export type ProductTranslation = z.infer<typeof productTranslationSchema>;

/** Name and description per other language; a language without one shows the base texts. */
export const productTranslationsSchema = z
  .record(contentLanguageSchema, productTranslationSchema)
  .refine((translations) => Object.keys(translations).length <= MAX_PRODUCT_TRANSLATIONS, { error: `must hold at most ${MAX_PRODUCT_TRANSLATIONS} languages` });

/** The rule of each writable field, without defaults (a merge-patch must not fill in what it does not name). */
const productFields = {
  sku: skuSchema,
  name: productNameField,
  description: productDescriptionField,
  brand: trimmedText(100).min(1).nullable(),
  /** Slug of an existing category. */
  category: z.string().max(100).refine(hasNoControlCharacters, { error: 'must not contain control characters' }).nullable(),
  imageUrls: z.array(productImageUrlSchema).max(20),
  attributes: productAttributesSchema,
  price: moneySchema,
  /** Prices an admin sets for other currencies than the base one; the rate table derives the rest. */
  marketPrices: z
    .array(moneySchema)
    .max(20)
    .refine((prices) => new Set(prices.map((price) => price.currency)).size === prices.length, { error: 'must name each currency once' }),
  translations: productTranslationsSchema,
  status: productStatusSchema,
};

/** A market price in the base price's own currency would be two prices for one currency: refused. */
function marketPricesBesideTheBase(input: { price?: { currency?: string }; marketPrices?: ReadonlyArray<{ currency: string }> | null }, context: z.RefinementCtx): void {
  const index = input.marketPrices?.findIndex((price) => price.currency === input.price?.currency) ?? -1;
  if (index >= 0) context.addIssue({ code: 'custom', path: ['marketPrices', index, 'currency'], message: 'must differ from the currency of price (the base price)' });
}

// ---------------------------------------------------------------------------------------------------------------
// Admin bodies
// ---------------------------------------------------------------------------------------------------------------

/** The writable fields of a product, each with its rule (the sync's records are made from them). */
export const productInputFieldsSchema = z
  .strictObject({
    sku: productFields.sku,
    name: productFields.name,
    description: productFields.description.default(''),
    brand: productFields.brand.default(null),
    category: productFields.category.default(null).meta({ description: 'Slug of an existing category' }),
    imageUrls: productFields.imageUrls.default([]),
    attributes: productFields.attributes.default({}),
    price: productFields.price,
    marketPrices: productFields.marketPrices
      .default([])
      .meta({ description: 'Explicit prices in other currencies (a market\'s), kept as set; every other market currency is derived from price by the rate table' }),
    translations: productFields.translations
      .default({})
      .meta({ description: "Name and description in other languages than the catalog's base language (one of its languages each); a shopper whose language has none reads name and description" }),
    status: productFields.status.default('draft'),
  });
/** Body of `POST /api/catalog/products` and `PUT /api/catalog/products/{id}`: the fields an admin writes, market prices beside the base price. */
export const productInputSchema = productInputFieldsSchema
  .superRefine(marketPricesBesideTheBase)
  .meta({ id: 'CatalogProductInput', description: 'The writable fields of a product (create and replace); omitted optional fields take their defaults' });
/** A validated product input: the shape JSON merge-patches are applied to. */
export type ProductInput = z.infer<typeof productInputSchema>;

/**
 * Body of `PATCH /api/catalog/products/{id}` (`application/merge-patch+json`, RFC 7396): the writable fields to
 * change. `null` removes a member (optional fields go back to their defaults, attribute keys go away), objects merge
 * (`price`, `attributes`), arrays replace. The merged product is validated again as a whole.
 */
export const productPatchSchema = z
  .strictObject({
    sku: productFields.sku.optional(),
    name: productFields.name.optional(),
    description: productFields.description.nullable().optional(),
    brand: productFields.brand.optional(),
    category: productFields.category.optional(),
    imageUrls: productFields.imageUrls.nullable().optional(),
    attributes: z.record(z.string().min(1).max(64), z.json()).nullable().optional(),
    price: z.strictObject({ amount: minorUnitsSchema.optional(), currency: moneySchema.shape.currency.optional() }).optional(),
    marketPrices: productFields.marketPrices.nullable().optional(),
    translations: z
      .record(contentLanguageSchema, z.strictObject({ name: productNameField.optional(), description: productDescriptionField.nullable().optional() }).nullable())
      .nullable()
      .optional()
      .meta({ description: 'Languages to add or change (their fields merge), null to remove one; null removes every translation' }),
    status: productFields.status.nullable().optional(),
  })
  .meta({ id: 'CatalogProductPatch', description: 'A JSON merge-patch of the writable fields of a product' });
/** A structurally valid merge-patch of a product. */
export type ProductPatch = z.infer<typeof productPatchSchema>;

/** Body of `PUT /api/catalog/products/{id}/inventory`. */
export const productInventoryBodySchema = z
  .strictObject({ onHand: z.number().int().min(0).max(1_000_000_000) })
  .meta({ id: 'CatalogInventoryBody', description: 'The stock on hand of a product; it cannot go below what is reserved' });
/** Body of `PUT /api/catalog/products/{id}/inventory`. */
export type ProductInventoryBody = z.infer<typeof productInventoryBodySchema>;

// ---------------------------------------------------------------------------------------------------------------
// Product reads
// ---------------------------------------------------------------------------------------------------------------

/** Stock that can still be sold: on hand minus reserved. */
export const availabilitySchema = z
  .object({ available: z.number().int().min(0), inStock: z.boolean() })
  .meta({ id: 'CatalogAvailability', description: 'Units that can still be sold (on hand minus reserved)' });
/** Stock that can still be sold. */
export type Availability = z.infer<typeof availabilitySchema>;

/** What a product says about its category. */
export const productCategorySchema = z
  .object({ slug: z.string(), name: z.string(), path: z.string().meta({ description: 'Names from the root down, joined by " > "' }) })
  .meta({ id: 'CatalogProductCategory', description: "The category a product is filed under" });
/** What a product says about its category. */
export type ProductCategory = z.infer<typeof productCategorySchema>;

/** The public representation of a product (`GET /api/catalog/products/{id-or-sku}` and the items of a search). */
export const productViewSchema = z
  .object({
    id: z.uuid(),
    sku: z.string(),
    name: z.string(),
    description: z.string(),
    // Absent from an answer of a catalog older than translations (a rolling deploy); the catalog always sends it.
    language: contentLanguageSchema
      .optional()
      .meta({ description: 'The language of name and description: the one asked for when the product has it, else the catalog\'s base language' }),
    brand: z.string().nullable(),
    category: productCategorySchema.nullable(),
    imageUrls: z.array(z.string()).meta({
      description: 'URLs to show the product with: each uploaded image (its 640 px JPEG, or its widest below) first, then the external image URLs',
    }),
    // Read as empty from an answer of a catalog older than images (a rolling deploy); the catalog always sends it.
    images: z
      .array(productImageSchema)
      .default([])
      .meta({ description: 'The uploaded images in display order, each with its responsive variants' }),
    attributes: z.record(z.string(), z.unknown()),
    price: moneySchema,
    status: productStatusSchema,
    version: z.number().int().min(1).meta({ description: 'Goes up with every change; the v<version> part of the ETag' }),
    availability: availabilitySchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'CatalogProduct', description: 'A product as the public API shows it' });
/** The public representation of a product. */
export type ProductView = z.infer<typeof productViewSchema>;

/** The admin representation: the public one plus the stock figures and the sync origin. */
export const adminProductViewSchema = productViewSchema
  .extend({
    inventory: z.object({ onHand: z.number().int().min(0), reserved: z.number().int().min(0) }),
    prices: z.array(priceListEntrySchema).meta({ description: 'The price list: the base price and one price per market currency, explicit or derived by the rate table' }),
    translations: z.record(contentLanguageSchema, productTranslationSchema).meta({ description: 'Name and description per other language (name and description above are the base language)' }),
    source: z.string().nullable().meta({ description: 'The sync source that delivered the product, null when an admin created it' }),
    externalId: z.string().nullable().meta({ description: "The source's own id of the product" }),
  })
  .meta({ id: 'CatalogAdminProduct', description: 'A product as the admin API shows it' });
/** The admin representation of a product. */
export type AdminProductView = z.infer<typeof adminProductViewSchema>;

/** Orders a product list can have. */
export const productSorts = ['relevance', 'price', '-price', 'newest'] as const;
/** An order of a product list. */
export type ProductSort = (typeof productSorts)[number];

/** Limits of a product page. */
export const ProductPageLimits = { default: 20, max: 100 } as const;

const queryText = (max: number) => z.string().max(max).refine(hasNoControlCharacters, { error: 'must not contain control characters' });

const queryBoolean = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

const queryMinorUnits = z
  .string()
  .regex(/^\d{1,12}$/, { error: 'must be a non-negative integer number of minor units' })
  .transform(Number)
  .pipe(minorUnitsSchema);

/** The search text: control characters become spaces, blank means no search. */
const searchText = z
  .string()
  .max(200)
  .transform((value) => Array.from(value, (character) => (isControlCharacter(character.charCodeAt(0)) ? ' ' : character)).join('').trim() || undefined);

/** `?lang=`: the language of names and descriptions, and of the search's stemming. */
const productLanguageQueryField = contentLanguageSchema
  .optional()
  .meta({ description: "The language of names and descriptions, and of the search (stemming); one of the catalog's languages (default: by Accept-Language, then the market's language)" });

/** Query of `GET /api/catalog/products/{id-or-sku}`: the market and language of the answer (other keys are ignored, as cache busters are). */
export const productReadQuerySchema = z
  .object({ market: marketIdSchema.optional(), lang: productLanguageQueryField })
  .meta({ id: 'CatalogProductReadQuery', description: 'The market and language a product is shown in' });

/** Query of `GET /api/catalog/products`; unknown keys and repeated keys are refused. */
export const productListQuerySchema = z
  .strictObject({
    q: searchText.optional().meta({ description: 'Full text over name, brand and description (websearch syntax; the last word also matches as a prefix)' }),
    category: queryText(100).optional().meta({ description: 'Category slug; subcategories are included' }),
    brand: queryText(100).optional().meta({ description: 'Brand, case-insensitive' }),
    minPrice: queryMinorUnits.optional().meta({ description: 'Lowest price in integer minor units' }),
    maxPrice: queryMinorUnits.optional().meta({ description: 'Highest price in integer minor units' }),
    inStock: queryBoolean.optional(),
    sort: z
      .enum(productSorts, { error: `must be one of ${productSorts.join(', ')}` })
      .optional()
      .meta({ description: 'relevance (the default with q, only with q), price, -price, newest (the default without q)' }),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, { error: `must be an integer from 1 to ${ProductPageLimits.max}` })
      .transform(Number)
      .pipe(z.number().int().min(1).max(ProductPageLimits.max))
      .optional()
      .meta({ description: `Items per page, 1 to ${ProductPageLimits.max} (default ${ProductPageLimits.default})` }),
    cursor: z.string().max(1024).optional().meta({ description: 'The nextCursor of the previous page of the same search' }),
    market: marketIdSchema.optional().meta({ description: 'The market whose currency the prices, the price sort and the price filters use (default: by the shop_market cookie, the country, the languages)' }),
    lang: productLanguageQueryField,
  })
  .meta({ id: 'CatalogProductListQuery', description: 'Filters, order and page of a product search' });
/** A parsed public list query. */
export type ProductListQuery = z.infer<typeof productListQuerySchema>;

/** Query of `GET /api/catalog/admin/products`: the public filters plus the status. */
export const adminProductListQuerySchema = productListQuerySchema
  .extend({
    status: productStatusSchema.optional().meta({ description: 'Only products in this status (default: every status)' }),
    maxAvailable: z
      .string()
      .regex(/^\d{1,9}$/, { error: 'must be a non-negative integer' })
      .transform(Number)
      .optional()
      .meta({ description: 'Only products with at most this many units available (on hand minus reserved): the low-stock list' }),
  })
  .meta({ id: 'CatalogAdminProductListQuery', description: 'Filters, order and page of an admin product search' });
/** A parsed admin list query. */
export type AdminProductListQuery = z.infer<typeof adminProductListQuerySchema>;

/** One page of `GET /api/catalog/products`. */
export const productPageSchema = z
  .object({ items: z.array(productViewSchema), nextCursor: z.string().nullable().meta({ description: 'null on the last page' }) })
  .meta({ id: 'CatalogProductPage', description: 'One page of a product search' });
/** One page of a public product search. */
export type ProductPage = z.infer<typeof productPageSchema>;

/** One page of `GET /api/catalog/admin/products`. */
export const adminProductPageSchema = z
  .object({ items: z.array(adminProductViewSchema), nextCursor: z.string().nullable().meta({ description: 'null on the last page' }) })
  .meta({ id: 'CatalogAdminProductPage', description: 'One page of an admin product search' });
/** One page of an admin product search. */
export type AdminProductPage = z.infer<typeof adminProductPageSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Categories
// ---------------------------------------------------------------------------------------------------------------

/** A category with its subcategories. */
export interface CategoryTreeNode {
  id: string;
  slug: string;
  name: string;
  /** Names from the root down, joined by " > ". */
  path: string;
  children: CategoryTreeNode[];
}

/** A category with its subcategories (sorted by name). */
export const categoryTreeNodeSchema: z.ZodType<CategoryTreeNode> = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    path: z.string(),
    get children() {
      return z.array(categoryTreeNodeSchema);
    },
  })
  .meta({ id: 'CatalogCategory', description: 'A category with its subcategories, sorted by name' });

/** Answer of `GET /api/catalog/categories`: the roots, sorted by name. */
export const categoryTreeSchema = z
  .object({ items: z.array(categoryTreeNodeSchema) })
  .meta({ id: 'CatalogCategoryTree', description: 'The category tree, roots first' });
/** The category tree. */
export type CategoryTree = z.infer<typeof categoryTreeSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Sync runs (admin reads; the sync's own bodies are in catalog-sync.ts)
// ---------------------------------------------------------------------------------------------------------------

/** Sources name the system a batch comes from (`erp`, `pim-eu`...). */
export const syncSourceSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, { error: 'must be 1-64 lower-case letters, digits, ".", "_" or "-"' });

/** How a run was started. */
export const syncTriggers = ['timer', 'manual', 'cli'] as const;
/** How a run was started. */
export type SyncTrigger = (typeof syncTriggers)[number];

/** Where a run is: running until its finish is recorded and every batch it announced is applied. */
export const syncRunStatuses = ['running', 'succeeded', 'partial', 'failed'] as const;
/** Where a run is. */
export type SyncRunStatus = (typeof syncRunStatuses)[number];

/** One record the sync or the catalog refused, and why. */
export const syncRejectionSchema = z
  .strictObject({ externalId: z.string().max(200), reason: z.string().max(2000) })
  .meta({ id: 'CatalogSyncRejection', description: 'A record that was refused, by its source id, with the reason' });
/** One refused record. */
export type SyncRejection = z.infer<typeof syncRejectionSchema>;

/** A sync run as the admin reads and the sync's finish answer it. */
export const syncRunViewSchema = z
  .object({
    runId: z.uuid(),
    source: z.string(),
    trigger: z.enum(syncTriggers),
    status: z.enum(syncRunStatuses),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    complete: z.boolean().nullable().meta({ description: 'What the sync said when it finished; null while it has not' }),
    fetched: z.number().int().min(0),
    created: z.number().int().min(0),
    updated: z.number().int().min(0),
    unchanged: z.number().int().min(0),
    archived: z.number().int().min(0),
    rejectedCount: z.number().int().min(0),
    rejected: z.array(syncRejectionSchema).meta({ description: 'The first rejections (the count keeps counting)' }),
    errors: z.array(z.string()),
    batchesExpected: z.number().int().min(0).nullable(),
    batchesApplied: z.number().int().min(0),
  })
  .meta({ id: 'CatalogSyncRun', description: 'One run of the external catalog sync' });
/** A sync run as the APIs show it. */
export type SyncRunView = z.infer<typeof syncRunViewSchema>;

/** Query of `GET /api/catalog/sync-runs`. */
export const syncRunListQuerySchema = z
  .strictObject({
    source: syncSourceSchema.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .meta({ id: 'CatalogSyncRunListQuery', description: 'Runs of one source (default: all), newest first' });
/** A parsed sync-run list query. */
export type SyncRunListQuery = z.infer<typeof syncRunListQuerySchema>;

/** Answer of `GET /api/catalog/sync-runs`. */
export const syncRunListSchema = z
  .object({ items: z.array(syncRunViewSchema) })
  .meta({ id: 'CatalogSyncRunList', description: 'Sync runs, newest first' });
/** Sync runs, newest first. */
export type SyncRunList = z.infer<typeof syncRunListSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Events on Topics.products and Topics.inventory
// ---------------------------------------------------------------------------------------------------------------

/** Who acted, as events carry it: an admin's id and email, or the system that synced. */
export const eventActorSchema = z
  .union([z.object({ userId: z.string(), email: z.string() }), z.object({ system: z.string(), source: z.string().optional() })])
  .meta({ id: 'CatalogEventActor', description: 'The admin, or the system, that made a change' });
/** Who acted. */
export type EventActor = z.infer<typeof eventActorSchema>;

/** Data of `product.created` and `product.updated` (subject: the product id): the changed fields with their new values. */
export const productChangedDataSchema = z
  .object({
    productId: z.uuid(),
    sku: z.string(),
    version: z.number().int().min(1),
    changes: z.record(z.string(), z.unknown()).meta({ description: 'The changed writable fields (and onHand) with their new values' }),
    actor: eventActorSchema,
  })
  .meta({ id: 'ProductChangedData', description: 'Data of product.created and product.updated' });
/** Data of `product.created` and `product.updated`. */
export type ProductChangedData = z.infer<typeof productChangedDataSchema>;

/** Data of `product.deleted` (subject: the product id). */
export const productDeletedDataSchema = z
  .object({ productId: z.uuid(), sku: z.string(), actor: eventActorSchema })
  .meta({ id: 'ProductDeletedData', description: 'Data of product.deleted' });
/** Data of `product.deleted`. */
export type ProductDeletedData = z.infer<typeof productDeletedDataSchema>;

/** Why units went back to stock, as `inventory.released` says. */
export const releaseReasons = ['released', 'expired', 'returned'] as const;
/** Why units went back to stock. */
export type ReleaseReason = (typeof releaseReasons)[number];

/** Units of one product that an inventory event moved. */
export const movedUnitsSchema = z.object({ productId: z.uuid(), quantity: z.number().int().min(1) });
/** Units of one product that moved. */
export type MovedUnits = z.infer<typeof movedUnitsSchema>;

/** Data of `inventory.reserved` (subject: the order id). */
export const inventoryReservedDataSchema = z
  .object({ orderId: z.string(), lines: z.array(movedUnitsSchema), expiresAt: z.iso.datetime() })
  .meta({ id: 'InventoryReservedData', description: 'Data of inventory.reserved' });
/** Data of `inventory.reserved`. */
export type InventoryReservedData = z.infer<typeof inventoryReservedDataSchema>;

/** Data of `inventory.released` (subject: the order id). */
export const inventoryReleasedDataSchema = z
  .object({ orderId: z.string(), lines: z.array(movedUnitsSchema), reason: z.enum(releaseReasons) })
  .meta({ id: 'InventoryReleasedData', description: 'Data of inventory.released' });
/** Data of `inventory.released`. */
export type InventoryReleasedData = z.infer<typeof inventoryReleasedDataSchema>;

/** Data of `inventory.low` (subject: the product id). */
export const inventoryLowDataSchema = z
  .object({ productId: z.uuid(), sku: z.string(), available: z.number().int().min(0), threshold: z.number().int().min(0) })
  .meta({ id: 'InventoryLowData', description: 'Data of inventory.low: availability fell to the threshold or below' });
/** Data of `inventory.low`. */
export type InventoryLowData = z.infer<typeof inventoryLowDataSchema>;
