import { ServiceUnavailableError, type ServiceInvoker } from '@shop/building-blocks';
import { productViewSchema } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { propagationHeaders } from '@shop/platform';
import type { ProductCatalog, ProductDetails } from '../domain/ports';

/** Seconds a client should wait before retrying when catalog cannot answer. */
const RETRY_AFTER_SECONDS = 5;

/** Catalog's public product read (`GET /api/catalog/products/{id}`) through service invocation (Dapr in Azure). */
export class InvokerProductCatalog implements ProductCatalog {
  constructor(
    private readonly invoker: ServiceInvoker,
    private readonly options: { catalogAppId: string; timeoutMs: number },
  ) {}

  async findProduct(productId: string, market: string, language?: string): Promise<ProductDetails | undefined> {
    let response;
    try {
      response = await this.invoker.invoke(this.options.catalogAppId, {
        method: 'GET',
        path: `/api/catalog/products/${encodeURIComponent(productId)}?market=${encodeURIComponent(market)}`,
        // A preference, not ?lang=: a language catalog has no texts in falls back to the market's, never a 400.
        headers: language === undefined ? propagationHeaders() : { ...propagationHeaders(), 'accept-language': language },
        timeoutMs: this.options.timeoutMs,
      });
    } catch (error) {
      if (error instanceof ServiceUnavailableError) throw catalogUnavailable('catalog is not reachable', error);
      throw error;
    }
    // Catalog answers 404 for unknown products and for drafts and archived ones alike: not for sale.
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw catalogUnavailable(`catalog answered ${response.status} for product ${productId}`);
    // Catalog's reply is validated with catalog's own contract: a product that does not fit it is not priced from.
    const product = productViewSchema.safeParse(response.body);
    if (!product.success) throw catalogUnavailable(`catalog's answer for product ${productId} is not a product`, product.error);
    if (product.data.status !== 'active') return undefined;
    const { id, sku, name, imageUrls, price, availability } = product.data;
    return { id: id.toLowerCase(), sku, name, imageUrl: imageUrls[0] ?? null, price, available: availability.available, inStock: availability.inStock };
  }
}

function catalogUnavailable(detail: string, cause?: unknown): AppError {
  return new AppError('unavailable', `Product data is unavailable right now (${detail}); try again shortly`, { retryAfterSeconds: RETRY_AFTER_SECONDS, cause });
}
