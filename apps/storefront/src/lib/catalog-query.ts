import type { ProductQuery } from '../api/shop-api';

const sorts = ['relevance', 'price', '-price', 'newest'] as const;

function wholeNumber(value: string | null): number | undefined {
  if (value === null || !/^\d{1,12}$/.test(value)) return undefined;
  return Number(value);
}

/**
 * The catalog search a page URL asks for. Anything malformed in a shared or hand-edited link is dropped rather than
 * sent (the API would answer 400 and the shopper would see no products). Prices are minor units, like the API.
 */
export function catalogQueryFromParams(params: URLSearchParams): ProductQuery {
  const query: ProductQuery = {};
  const q = params.get('q')?.trim();
  if (q) query.q = q.slice(0, 200);
  const category = params.get('category');
  if (category && /^[a-z0-9-]{1,100}$/.test(category)) query.category = category;
  const brand = params.get('brand')?.trim();
  if (brand) query.brand = brand.slice(0, 100);
  const minPrice = wholeNumber(params.get('minPrice'));
  const maxPrice = wholeNumber(params.get('maxPrice'));
  if (minPrice !== undefined) query.minPrice = minPrice;
  if (maxPrice !== undefined && (minPrice === undefined || maxPrice >= minPrice)) query.maxPrice = maxPrice;
  if (params.get('inStock') === 'true') query.inStock = true;
  const sort = params.get('sort') as ProductQuery['sort'] | null;
  // Relevance ranks a text search; without one the API refuses it.
  if (sort && sorts.includes(sort) && (sort !== 'relevance' || query.q)) query.sort = sort;
  return query;
}

/** The URL parameters of a query (the inverse of catalogQueryFromParams), leaving out what is unset. */
export function paramsFromCatalogQuery(query: ProductQuery): URLSearchParams {
  const params = new URLSearchParams();
  const entries: [string, string | number | boolean | undefined][] = [
    ['q', query.q],
    ['category', query.category],
    ['brand', query.brand],
    ['minPrice', query.minPrice],
    ['maxPrice', query.maxPrice],
    ['inStock', query.inStock ? true : undefined],
    ['sort', query.sort],
  ];
  for (const [key, value] of entries) if (value !== undefined && value !== '') params.set(key, String(value));
  return params;
}
