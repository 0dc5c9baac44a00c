import type { AdminProductView, Availability, ContentLanguage, Money, PriceListEntry, ProductInput, ProductStatus, ProductTranslation, ProductView } from '@shop/contracts';
import type { ProductRecord } from './ports';
import { listingImageUrlOf, toProductImage, type StoredProductImage } from './product-image';

/** A product as stored (without availability). */
export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  brand: string | null;
  category: CategoryRef | null;
  /** External image URLs (an admin's, or a supplier sync's). */
  imageUrls: string[];
  /** Uploaded images, in display order. */
  images: StoredProductImage[];
  attributes: Record<string, unknown>;
  price: Money;
  /** The price list: the base price and its price in other (market) currencies. */
  prices: PriceListEntry[];
  /** Name and description in other languages than the catalog's base language (which `name` and `description` are in). */
  translations: Record<ContentLanguage, ProductTranslation>;
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

/** A product with its availability, as reads return it. */
export interface ProductWithAvailability extends Product {
  onHand: number;
  reserved: number;
}

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
    marketPrices: explicitPricesOf(product),
    translations: product.translations,
    status: product.status,
  };
}

/** The prices an admin set in other currencies than the base one (the price list's explicit entries). */
export function explicitPricesOf(product: Pick<Product, 'price' | 'prices'>): Money[] {
  return product.prices
    .filter((entry) => !entry.derived && entry.currency !== product.price.currency)
    .map(({ amount, currency }) => ({ amount, currency }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
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

/** The product's price in `currency` from its price list, or its own price where the list has none in that currency. */
export function priceIn(product: Pick<Product, 'price' | 'prices'>, currency: string | undefined): Money {
  const entry = currency === undefined ? undefined : product.prices.find((price) => price.currency === currency);
  return entry ? { amount: entry.amount, currency: entry.currency } : product.price;
}

/** What every rendering of the catalog's products shares. */
export interface CatalogPresentation {
  /** The language of the products' own names and descriptions. */
  baseLanguage: ContentLanguage;
  /** The absolute origin media URLs are given under (MEDIA_PUBLIC_BASE_URL); without it they are paths (`/media/...`). */
  mediaBaseUrl?: string;
}

/** How a product is shown: the catalog's presentation, and the currency and language the reader asked for. */
export interface ProductPresentation extends CatalogPresentation {
  /** A market's currency: the price list's price in it, when the list has one. */
  currency?: string;
  /** The reader's language: the product's translation in it, when it has one. */
  language?: ContentLanguage;
}

/** The name and description a reader of `language` sees, and their language: the translation, else the base texts. */
export function textsIn(product: Pick<Product, 'name' | 'description' | 'translations'>, presentation: ProductPresentation): { name: string; description: string; language: ContentLanguage } {
  const translation = presentation.language === undefined || presentation.language === presentation.baseLanguage ? undefined : product.translations[presentation.language];
  return translation
    ? { name: translation.name, description: translation.description, language: presentation.language as ContentLanguage }
    : { name: product.name, description: product.description, language: presentation.baseLanguage };
}

/** Renders a product for the public API: priced in the presentation's currency and worded in its language where the product has them. */
export function toProductView(product: ProductWithAvailability, presentation: ProductPresentation): ProductView {
  const texts = textsIn(product, presentation);
  return {
    id: product.id,
    sku: product.sku,
    name: texts.name,
    description: texts.description,
    language: texts.language,
    brand: product.brand,
    category: product.category ? { slug: product.category.slug, name: product.category.name, path: product.category.path } : null,
    // Uploaded images first, so consumers that only know imageUrls (cart lines, product cards) show them.
    imageUrls: [...product.images.flatMap((image) => listingImageUrlOf(image, presentation.mediaBaseUrl) ?? []), ...product.imageUrls],
    images: product.images.map((image) => toProductImage(image, texts.name, presentation.mediaBaseUrl)),
    attributes: product.attributes,
    price: priceIn(product, presentation.currency),
    status: product.status,
    version: product.version,
    availability: availabilityOf(product),
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}

/** Renders a product for the admin API: the base texts and price, with the price list and every translation. */
export function toAdminProductView(product: ProductWithAvailability, catalog: CatalogPresentation): AdminProductView {
  return {
    ...toProductView(product, catalog),
    inventory: { onHand: product.onHand, reserved: product.reserved },
    prices: product.prices,
    translations: product.translations,
    source: product.source,
    externalId: product.externalId,
  };
}

/** The columns of a product with these writable fields, filed under `categoryId`, with the sync's content hash (null after an admin edit). */
export function recordOf(input: ProductInput, categoryId: string | null, contentHash: string | null): ProductRecord {
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
    explicitPrices: input.marketPrices,
    translations: input.translations,
    status: input.status,
    contentHash,
  };
}
