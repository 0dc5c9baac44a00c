import type { ApiClient } from './client';
import type {
  AddCartItemBody,
  CartView,
  CategoryTree,
  CheckoutProcessing,
  Order,
  OrderPage,
  OrderWithHistory,
  PlaceOrderBody,
  ProductPage,
  ProductListQuery,
  ProductView,
  SetCartItemQuantityBody,
  SetCartMarketBody,
} from '@shop/contracts';

/** The catalog search as the storefront's URL carries it: the catalog's own parsed query (prices in integer minor units). */
export type ProductQuery = ProductListQuery;

/** Builds a query string from the defined, non-empty values only (the APIs refuse unknown or empty keys). */
export function toQueryString(values: Record<string, string | number | boolean | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * What shoppers call: catalog reads, the cart, checkout and their orders. `currentMarket` names the shopper's market
 * once the app knows it, `language` the language of the shop's texts (ISO 639, `de`): product reads and searches then
 * carry `?market=` and `?lang=`. Only an answer with both in its URL is cacheable at the edge (Front Door caches by URL;
 * one whose market or language came from the cookie, the country or Accept-Language is private).
 */
export function shopApi(client: ApiClient, currentMarket: () => string | undefined = () => undefined, language?: string) {
  // The cart names its lines in the shop's language: it asks catalog in the Accept-Language it is sent (the browser's
  // own would differ once the shopper switched language).
  const cartHeaders = language === undefined ? undefined : { 'accept-language': language };
  return {
    searchProducts: async (query: ProductQuery, signal?: AbortSignal) =>
      (await client.request<ProductPage>(`/api/catalog/products${toQueryString({ ...query, market: currentMarket(), lang: language })}`, { auth: 'none', signal })).data,
    product: async (idOrSku: string) =>
      (await client.request<ProductView>(`/api/catalog/products/${encodeURIComponent(idOrSku)}${toQueryString({ market: currentMarket(), lang: language })}`, { auth: 'none' })).data,
    categories: async () => (await client.request<CategoryTree>('/api/catalog/categories', { auth: 'none' })).data.items,

    cart: async () => (await client.request<CartView>('/api/cart', { headers: cartHeaders })).data,
    addToCart: async (productId: string, quantity: number) =>
      (await client.request<CartView>('/api/cart/items', { method: 'POST', body: { productId, quantity } satisfies AddCartItemBody, headers: cartHeaders })).data,
    setCartQuantity: async (productId: string, quantity: number) =>
      (await client.request<CartView>(`/api/cart/items/${encodeURIComponent(productId)}`, { method: 'PATCH', body: { quantity } satisfies SetCartItemQuantityBody, headers: cartHeaders })).data,
    /** Re-prices every line of the cart in `market` (each line then shows its previous price as `repricedFrom`). */
    setCartMarket: async (market: string) => (await client.request<CartView>('/api/cart/market', { method: 'PUT', body: { market } satisfies SetCartMarketBody, headers: cartHeaders })).data,
    removeFromCart: async (productId: string) => (await client.request<CartView>(`/api/cart/items/${encodeURIComponent(productId)}`, { method: 'DELETE', headers: cartHeaders })).data,

    /** Places the order; the key identifies this attempt, so a repeated click or a retry places it once. */
    placeOrder: async (input: PlaceOrderBody, idempotencyKey: string) =>
      // 201: the order, settled; 202: it exists, the payment is still running.
      client.request<Order | CheckoutProcessing>('/api/orders', {
        method: 'POST',
        body: input,
        auth: 'required',
        headers: { 'idempotency-key': idempotencyKey },
      }),
    myOrders: async (cursor?: string) => (await client.request<OrderPage>(`/api/orders${toQueryString({ limit: 20, cursor })}`, { auth: 'required' })).data,
    order: async (id: string) => (await client.request<OrderWithHistory>(`/api/orders/${encodeURIComponent(id)}`, { auth: 'required' })).data,
    cancelOrder: async (id: string) => (await client.request<Order>(`/api/orders/${encodeURIComponent(id)}/cancel`, { method: 'POST', auth: 'required' })).data,
  };
}

export type ShopApi = ReturnType<typeof shopApi>;
