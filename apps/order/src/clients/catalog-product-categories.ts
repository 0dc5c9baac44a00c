import type { ServiceInvoker } from '@shop/building-blocks';
import { productViewSchema } from '@shop/contracts';
import type { ProductCategory, ProductCategoryLookup } from '../domain/daily-report';
import { AppError } from '@shop/kernel';

/** The member of catalog's public product representation read here, checked against the catalog contract. */
const productCategoryReplySchema = productViewSchema.pick({ category: true });

/**
 * ProductCategoryLookup on catalog's public product endpoint (`GET /api/catalog/products/{id}`), all products in one
 * parallel batch. A product catalog no longer shows (404: archived, deleted) is uncategorised; any other failure
 * fails the report (503) rather than filing everything under "uncategorised".
 */
export class CatalogProductCategories implements ProductCategoryLookup {
  constructor(private readonly options: { invoker: ServiceInvoker; catalogAppId: string; timeoutMs?: number }) {}

  async categoriesOf(productIds: string[]): Promise<Map<string, ProductCategory | null>> {
    const entries = await Promise.all(
      productIds.map(async (productId): Promise<[string, ProductCategory | null]> => {
        const response = await this.options.invoker.invoke(this.options.catalogAppId, {
          method: 'GET',
          path: `/api/catalog/products/${encodeURIComponent(productId)}`,
          timeoutMs: this.options.timeoutMs,
        });
        if (response.status === 404) return [productId, null];
        const product = response.status === 200 ? productCategoryReplySchema.safeParse(response.body) : undefined;
        if (!product?.success) throw new AppError('unavailable', `The catalog answered ${response.status} for product ${productId}; try again`, { retryAfterSeconds: 5, cause: product?.error });
        const { category } = product.data;
        return [productId, category ? { slug: category.slug, path: category.path } : null];
      }),
    );
    return new Map(entries);
  }
}
