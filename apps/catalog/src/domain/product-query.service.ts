import type { CategoryTreeNode, ProductPage, ProductSort, ProductStatus } from '@shop/contracts';
import { isUuid, skuSchema } from '@shop/contracts';
import { AppError, type Logger } from '@shop/kernel';
import { productEntityTag } from './entity-tag';
import type { CachedRepresentation, CatalogReadCache, Category } from './ports';
import { toProductView, type CatalogPresentation, type ProductPresentation, type ProductWithAvailability } from './product';
import { defaultProductLanguages, type ProductLanguages } from './product-language';
import type { ProductHit, ProductQueryRepository } from './product-query.ports';
import { InvalidCursorError, decodeCursor, encodeCursor, searchFingerprint, type ProductFilters, type SortPosition } from './product-search';

/** What the product queries are built from. */
export interface ProductQueryServiceDeps {
  repository: ProductQueryRepository;
  cache: CatalogReadCache;
  logger: Logger;
  /** The currencies of the markets: a cached product holds its representation in each. */
  marketCurrencies?: readonly string[];
  /** The languages of product texts: a cached product holds its representation in each it has a translation in. Default: en, with de and ja. */
  productLanguages?: ProductLanguages;
  /** The absolute origin of media URLs (MEDIA_PUBLIC_BASE_URL); default: paths. */
  mediaBaseUrl?: string;
}

/** How a reader wants products shown: a market's currency, and a language of the catalog's (the base one when absent). */
export interface ReaderPresentation {
  currency?: string;
  language?: string;
}

/** A rendered page of public search results: the JSON body, and how many products it holds (for analytics). */
export interface RenderedSearchPage {
  body: string;
  resultCount: number;
}

/** A page request of a product search, as the API receives it (with `currency` and `language`, a market's and a reader's). */
export interface ProductSearchRequest extends Omit<ProductFilters, 'statuses'> {
  sort?: ProductSort;
  limit: number;
  cursor?: string;
}

/** One page of search results, before rendering. */
export interface ProductSearchPage {
  items: ProductWithAvailability[];
  nextCursor: string | null;
}

/**
 * The catalog's reads: one public product and public search pages through the two-level cache (cache-aside), a
 * product in any status for admins, keyset-paged searches, and the category tree. Every cached read of the catalog
 * (the partner API's too) goes through here. Nothing here writes to the database or is audited, so no method takes a
 * catalog context.
 */
export class ProductQueryService {
  private readonly languages: ProductLanguages;

  constructor(private readonly deps: ProductQueryServiceDeps) {
    this.languages = deps.productLanguages ?? defaultProductLanguages;
  }

  /** The catalog's base language (the admin API shows the texts in it) and media origin. */
  get catalogPresentation(): CatalogPresentation {
    return { baseLanguage: this.languages.base, mediaBaseUrl: this.deps.mediaBaseUrl };
  }

  /**
   * The public representation of an active product by id or SKU: from L1 (no round trip), else L2, else the
   * database, then cached. Undefined when there is no such active product (not cached: it may be created any moment).
   * While the primary is unavailable, the read replica answers a miss (uncached).
   */
  async readPublicProduct(idOrSku: string, reader: ReaderPresentation = {}): Promise<CachedRepresentation | undefined> {
    const lookup = isUuid(idOrSku) ? { id: idOrSku.toLowerCase() } : skuSchema.safeParse(idOrSku).success ? { sku: idOrSku } : undefined;
    if (!lookup) return undefined;
    let cached: CachedRepresentation | undefined;
    try {
      // From the primary: the cache keeps it until the product's next change, so it must be the latest committed.
      cached = await this.deps.cache.product(lookup, async () => {
        const product = await this.deps.repository.findProduct({ ...lookup, statuses: ['active'] });
        return product && this.representationsOf(product);
      });
    } catch (error) {
      if (!(error instanceof AppError && error.type === 'unavailable')) throw error;
      // The primary is unavailable: the read replica answers, if there is one (else this is the same 503). Not cached:
      // a change committed just before the outage may not have reached the replica, and a cached copy would hide it
      // after the primary's return until the product changed again.
      const product = await this.deps.repository.findProduct({ ...lookup, statuses: ['active'] }, { from: 'read pool' });
      cached = product && this.representationsOf(product);
    }
    if (!cached) return undefined;
    const { currency, language } = reader;
    const shown = cached.presentations?.[presentationKey(currency, language)] ?? cached.presentations?.[presentationKey(currency, undefined)] ?? cached.presentations?.[presentationKey(undefined, language)];
    return shown ? { productId: cached.productId, sku: cached.sku, ...shown } : cached;
  }

  /** A product's public representation in every market currency and language it has, as the cache keeps it. */
  private representationsOf(product: ProductWithAvailability): CachedRepresentation {
    const render = (currency?: string, language?: string) => {
      const body = JSON.stringify(toProductView(product, this.presentationOf({ currency, language })));
      return { body, etag: productEntityTag(product.version, body) };
    };
    // Every other pair of a currency its price list has and a language it is translated in; the base language
    // and currency stand for the rest (`presentationOf` reads them so).
    const currencies = [undefined, ...new Set(this.deps.marketCurrencies ?? [])].filter(
      (currency) => currency === undefined || (currency !== product.price.currency && product.prices.some((price) => price.currency === currency)),
    );
    const languages = [undefined, ...this.languages.translated.filter((language) => product.translations[language] !== undefined)];
    const presentations: Record<string, { body: string; etag: string }> = {};
    for (const currency of currencies) {
      for (const language of languages) if (currency !== undefined || language !== undefined) presentations[presentationKey(currency, language)] = render(currency, language);
    }
    return { productId: product.id, sku: product.sku, ...render(), presentations };
  }

  /**
   * One page of the public search (active products), rendered, through the two-level cache: identical searches in
   * any parameter order share a page, concurrent ones one query; every product change retires every page. A refused
   * search (bad cursor, relevance without q) throws and is not kept.
   */
  searchPublicProducts(request: ProductSearchRequest): Promise<RenderedSearchPage> {
    return this.cachedList('public-search', { ...request }, async () => {
      const found = await this.searchProducts(request, ['active']);
      const presentation = this.presentationOf(request);
      return { body: JSON.stringify({ items: found.items.map((item) => toProductView(item, presentation)), nextCursor: found.nextCursor } satisfies ProductPage), resultCount: found.items.length };
    });
  }

  /**
   * A page of another list of active products (the partner feed...) through the same cache: `kind` names the list,
   * `query` its parameters (JSON values, as parsed), `load` reads it from the database. The page must be JSON
   * (it is kept in Redis) and must only show what a product change retires (every change makes a new list generation).
   */
  cachedList<T>(kind: string, query: Readonly<Record<string, unknown>>, load: () => Promise<T>): Promise<T> {
    return this.deps.cache.list(kind, query, load);
  }

  /** A product in any status (admin). */
  async getProduct(id: string): Promise<ProductWithAvailability> {
    const product = isUuid(id) ? await this.deps.repository.findProduct({ id: id.toLowerCase() }) : undefined;
    if (!product) throw new AppError('not_found', `No product ${id}`);
    return product;
  }

  /** One page of products with the given statuses, filtered, sorted and continued after `cursor`. */
  async searchProducts(request: ProductSearchRequest, statuses: ProductStatus[]): Promise<ProductSearchPage> {
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
      maxAvailable: request.maxAvailable,
      currency: request.currency,
      // The base texts are always searched; another language's texts beside them.
      language: request.language === undefined || request.language === this.languages.base ? undefined : request.language,
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

  /** How products are shown to this reader (the base language when the reader names none). */
  presentationOf(reader: ReaderPresentation): ProductPresentation {
    return { ...this.catalogPresentation, currency: reader.currency, language: reader.language };
  }

  /** The category tree, roots first, children sorted by name. */
  async categoryTree(): Promise<CategoryTreeNode[]> {
    return categoryTreeOf(await this.deps.repository.listCategories());
  }

  /** How many products exist (any status). */
  countProducts(): Promise<number> {
    return this.deps.repository.countProducts();
  }
}

/** The tree of these categories: roots and children sorted by name. */
export function categoryTreeOf(categories: readonly Category[]): CategoryTreeNode[] {
  const nodes = new Map<string, CategoryTreeNode & { parentId: string | null }>();
  for (const category of categories) nodes.set(category.id, { id: category.id, slug: category.slug, name: category.name, path: category.path, parentId: category.parentId, children: [] });
  const roots: CategoryTreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const strip = (node: CategoryTreeNode): CategoryTreeNode => ({
    id: node.id,
    slug: node.slug,
    name: node.name,
    path: node.path,
    children: node.children.sort(byName).map(strip),
  });
  return roots.sort(byName).map(strip);
}

/** The key of a product's representation in `currency` and `language` (empty where it is the product's own). */
function presentationKey(currency: string | undefined, language: string | undefined): string {
  return `${currency ?? ''}/${language ?? ''}`;
}

function positionAfter(hit: ProductHit, sort: ProductSort): SortPosition {
  switch (sort) {
    case 'newest':
      return { sort, createdAt: hit.createdAt.toISOString(), id: hit.id };
    case 'price':
    case '-price':
      return { sort, price: hit.listedPrice, id: hit.id };
    case 'relevance':
      return { sort, rank: hit.rank, id: hit.id };
  }
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name);
}
