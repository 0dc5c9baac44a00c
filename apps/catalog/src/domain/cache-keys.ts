import { createHash } from 'node:crypto';
import { canonicalJson } from './content-hash';

// The catalog's cache keys, in one place (docs/caching.md describes the same scheme). L1 (in process) and L2 (the
// state store, Redis in Azure) use the same keys; the state store puts its own prefix in front (`shop:state:catalog:`).

/**
 * Version of the cached shapes (the product representation, the sku pointer, a rendered list page). Bump it whenever
 * one of them changes: a deploy then reads and writes new keys and never parses an old shape; the old keys expire.
 */
export const CACHE_FORMAT_VERSION = 4;

/** `catalog:product:{id}:v{n}`: a product's public representation (body and ETag), or a tombstone after a change. */
export function productCacheKey(productId: string): string {
  return `catalog:product:${productId}:v${CACHE_FORMAT_VERSION}`;
}

/** `catalog:sku:{sku}:v{n}`: which product a SKU names (a pointer; the representation is under the product's key). */
export function skuCacheKey(sku: string): string {
  return `catalog:sku:${sku}:v${CACHE_FORMAT_VERSION}`;
}

/** `catalog:search:generation`: the list generation, changed by every product change, so older list pages are never read again. */
export const LIST_GENERATION_KEY = 'catalog:search:generation';

/**
 * `catalog:search:{gen}:{sha256}`: a page of a list or search, under the list generation and the SHA-256 of the
 * normalised query (its kind, the format version and the parameters with keys sorted and absent ones left out), so
 * the same search in any parameter order is one key, and a product change (a new generation) retires every page.
 */
export function listCacheKey(generation: string, kind: string, query: Readonly<Record<string, unknown>>): string {
  return `catalog:search:${generation}:${listQueryHash(kind, query)}`;
}

/** The SHA-256 (hex) of the normalised query of a list page: also its key in L1, which needs no generation. */
export function listQueryHash(kind: string, query: Readonly<Record<string, unknown>>): string {
  const present = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
  return createHash('sha256').update(canonicalJson({ kind, v: CACHE_FORMAT_VERSION, query: present })).digest('hex');
}
