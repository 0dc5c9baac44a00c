import type { StateStore } from '@shop/building-blocks';
import type { CachedRepresentation, ProductCache } from '../domain/ports';

const keyPrefix = 'catalog:product:';

function keyOf(ref: { id: string } | { sku: string }): string {
  return 'id' in ref ? `${keyPrefix}id:${ref.id}` : `${keyPrefix}sku:${ref.sku}`;
}

/**
 * Public product representations in the state store (Redis in Azure), under the product's id and under its SKU,
 * each with a TTL that bounds staleness should an invalidation be lost.
 */
export class StateStoreProductCache implements ProductCache {
  constructor(
    private readonly store: StateStore,
    private readonly ttlSeconds: number,
  ) {}

  async get(ref: { id: string } | { sku: string }): Promise<CachedRepresentation | undefined> {
    return (await this.store.get<CachedRepresentation>(keyOf(ref)))?.value;
  }

  async put(representation: CachedRepresentation): Promise<void> {
    await Promise.all([
      this.store.save(keyOf({ id: representation.productId }), representation, { ttlSeconds: this.ttlSeconds }),
      this.store.save(keyOf({ sku: representation.sku }), representation, { ttlSeconds: this.ttlSeconds }),
    ]);
  }

  async invalidate(productId: string, skus: string[]): Promise<void> {
    await Promise.all([this.store.delete(keyOf({ id: productId })), ...skus.map((sku) => this.store.delete(keyOf({ sku })))]);
  }
}
