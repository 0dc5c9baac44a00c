/**
 * Cache-Control of public reads. Browsers always revalidate (max-age=0; a 304 against the ETag is cheap),
 * Front Door may serve a product for 30 s and a stale copy for 60 s more while it refetches. Availability can
 * therefore lag by up to ~30 s at the edge, which is fine for display because checkout reserves stock
 * against the database, never against what the page showed.
 */
export const CachePolicies = {
  product: 'public, max-age=0, s-maxage=30, stale-while-revalidate=60',
  productList: 'public, max-age=0, s-maxage=15, stale-while-revalidate=30',
  categories: 'public, max-age=60, s-maxage=300, stale-while-revalidate=600',
  /**
   * A public read whose market or language came from the request's cookie, country or languages rather than its URL:
   * Front Door keys its cache by URL only (it does not honour Vary), so such an answer is the browser's alone; the
   * storefront names both in the URL (`?market=`, `?lang=`) to get the shared-cache policies above.
   */
  marketChosenByRequest: 'private, max-age=0',
  /** Admin and internal answers depend on who asks and must never sit in a shared cache. */
  private: 'no-store',
} as const;
