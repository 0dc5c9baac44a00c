import type { ProductStatus } from '@shop/contracts';
import type { Category } from './ports';
import type { ProductWithAvailability } from './product';
import type { ProductSearch } from './product-search';

/** How a product is looked up: by id or by SKU, optionally restricted to some statuses. */
export type ProductLookup = ({ id: string } | { sku: string }) & { statuses?: ProductStatus[] };

/** A product search hit: the product and its relevance (0 without a query). */
export interface ProductHit extends ProductWithAvailability {
  rank: number;
  /** The price the search sorted and filtered by (minor units of the search's currency, or the product's own). */
  listedPrice: number;
}

/** Port: the reads of products and categories (searches and the tree may go to a read replica). */
export interface ProductQueryRepository {
  /**
   * One product, from the primary (what reads after a write and the cache must see), or with `from: 'read pool'` from
   * the read replica when there is one (possibly a little behind).
   */
  findProduct(lookup: ProductLookup, options?: { from: 'primary' | 'read pool' }): Promise<ProductWithAvailability | undefined>;
  /** One page of a search, with one extra hit when there is a next page. */
  searchProducts(search: ProductSearch): Promise<ProductHit[]>;
  listCategories(): Promise<Category[]>;
  countProducts(): Promise<number>;
}
