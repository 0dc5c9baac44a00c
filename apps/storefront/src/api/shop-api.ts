import type { ApiClient } from './client';
import type { Cart, Category, Order, Page, Product, ShippingAddress } from './types';

/** The catalog search as the storefront's URL carries it. Prices are integer minor units. */
export interface ProductQuery {
  q?: string;
  category?: string;
  brand?: string;
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  sort?: 'relevance' | 'price' | '-price' | 'newest';
  limit?: number;
  cursor?: string;
}

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

/** What shoppers call: catalog reads, the cart, checkout and their orders. */
export function shopApi(client: ApiClient) {
  return {
    searchProducts: async (query: ProductQuery, signal?: AbortSignal) =>
      (await client.request<Page<Product>>(`/api/catalog/products${toQueryString({ ...query })}`, { auth: 'none', signal })).data,
    product: async (idOrSku: string) => (await client.request<Product>(`/api/catalog/products/${encodeURIComponent(idOrSku)}`, { auth: 'none' })).data,
    categories: async () => (await client.request<{ items: Category[] }>('/api/catalog/categories', { auth: 'none' })).data.items,

    cart: async () => (await client.request<Cart>('/api/cart')).data,
    addToCart: async (productId: string, quantity: number) => (await client.request<Cart>('/api/cart/items', { method: 'POST', body: { productId, quantity } })).data,
    setCartQuantity: async (productId: string, quantity: number) =>
      (await client.request<Cart>(`/api/cart/items/${encodeURIComponent(productId)}`, { method: 'PATCH', body: { quantity } })).data,
    removeFromCart: async (productId: string) => (await client.request<Cart>(`/api/cart/items/${encodeURIComponent(productId)}`, { method: 'DELETE' })).data,

    /** Places the order; the key identifies this attempt, so a repeated click or a retry places it once. */
    placeOrder: async (input: { shippingAddress: ShippingAddress; paymentToken: string }, idempotencyKey: string) =>
      client.request<Order | { orderId: string; status: 'processing' }>('/api/orders', {
        method: 'POST',
        body: input,
        auth: 'required',
        headers: { 'idempotency-key': idempotencyKey },
      }),
    myOrders: async (cursor?: string) => (await client.request<Page<Order>>(`/api/orders${toQueryString({ limit: 20, cursor })}`, { auth: 'required' })).data,
    order: async (id: string) => (await client.request<Order>(`/api/orders/${encodeURIComponent(id)}`, { auth: 'required' })).data,
    cancelOrder: async (id: string) => (await client.request<Order>(`/api/orders/${encodeURIComponent(id)}/cancel`, { method: 'POST', auth: 'required' })).data,
  };
}

export type ShopApi = ReturnType<typeof shopApi>;
