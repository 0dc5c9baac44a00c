import type { z } from 'zod';
import type { ApiClient } from './client';
import { toQueryString } from './shop-api';
import type {
  AdminProductPage,
  ApiKeyList,
  CreateApiKeyBody,
  IssuedApiKey,
  AdminProductView,
  Market,
  MarketList,
  ProductImage,
  DailyReportList,
  Order,
  OrderPage,
  OrderStatus,
  OrderWithHistory,
  PartnerUsageByTier,
  ProductInventoryBody,
  productInputSchema,
  productPatchSchema,
  ProductStatus,
  SyncRunList,
} from '@shop/contracts';

/** The writable fields of a new product as sent (omitted optional fields take the catalog's defaults); prices are integer minor units. */
export type ProductInputBody = z.input<typeof productInputSchema>;

/** A JSON merge-patch of a product as sent: only the fields to change, `null` clearing one. */
export type ProductPatchBody = z.input<typeof productPatchSchema>;

/** A product with the ETag to send back in If-Match: the version check of every admin write. */
export interface VersionedProduct {
  product: AdminProductView;
  etag: string;
}

function versioned(response: { data: AdminProductView; headers: Headers }): VersionedProduct {
  return { product: response.data, etag: response.headers.get('etag') ?? `"v${response.data.version}"` };
}

/** What the back office calls (role admin). */
export function adminApi(client: ApiClient) {
  const auth = 'required' as const;
  return {
    products: async (query: { q?: string; status?: ProductStatus | ''; sort?: string; maxAvailable?: number; limit?: number; cursor?: string }) =>
      (await client.request<AdminProductPage>(`/api/catalog/admin/products${toQueryString({ limit: 25, ...query })}`, { auth })).data,
    product: async (id: string) => versioned(await client.request<AdminProductView>(`/api/catalog/admin/products/${encodeURIComponent(id)}`, { auth })),
    createProduct: async (input: ProductInputBody) => versioned(await client.request<AdminProductView>('/api/catalog/products', { method: 'POST', body: input, auth })),
    /** Merge-patch guarded by the ETag the admin started from; a stale one is a 412 naming the current version. */
    updateProduct: async (id: string, patch: ProductPatchBody, etag: string) =>
      versioned(
        await client.request<AdminProductView>(`/api/catalog/products/${encodeURIComponent(id)}`, {
          method: 'PATCH',
          body: patch,
          contentType: 'application/merge-patch+json',
          headers: { 'if-match': etag },
          auth,
        }),
      ),
    /** Uploads an image (multipart field `file`, optional `alt`): 201 with it and its variants, 200 when the product already has those bytes. */
    uploadProductImage: async (id: string, file: Blob, alt?: string) => {
      const form = new FormData();
      form.set('file', file);
      if (alt) form.set('alt', alt);
      return (await client.request<ProductImage>(`/api/catalog/products/${encodeURIComponent(id)}/images`, { method: 'POST', body: form, auth })).data;
    },
    deleteProductImage: async (id: string, imageId: string) => {
      await client.request<unknown>(`/api/catalog/products/${encodeURIComponent(id)}/images/${encodeURIComponent(imageId)}`, { method: 'DELETE', auth });
    },
    archiveProduct: async (id: string, etag: string) =>
      versioned(await client.request<AdminProductView>(`/api/catalog/products/${encodeURIComponent(id)}/archive`, { method: 'POST', headers: { 'if-match': etag }, auth })),
    setStock: async (id: string, onHand: number, etag: string) =>
      versioned(
        await client.request<AdminProductView>(`/api/catalog/products/${encodeURIComponent(id)}/inventory`, { method: 'PUT', body: { onHand } satisfies ProductInventoryBody, headers: { 'if-match': etag }, auth }),
      ),

    orders: async (query: { status?: OrderStatus | ''; userId?: string; from?: string; to?: string; limit?: number; cursor?: string }) =>
      (await client.request<OrderPage>(`/api/orders/admin/orders${toQueryString({ limit: 25, ...query })}`, { auth })).data,
    order: async (id: string) => (await client.request<OrderWithHistory>(`/api/orders/${encodeURIComponent(id)}`, { auth })).data,
    shipOrder: async (id: string) => (await client.request<Order>(`/api/orders/${encodeURIComponent(id)}/ship`, { method: 'POST', auth })).data,
    deliverOrder: async (id: string) => (await client.request<Order>(`/api/orders/${encodeURIComponent(id)}/deliver`, { method: 'POST', auth })).data,

    /** The shop's markets: the currencies a product may have an explicit price in. */
    markets: async (): Promise<Market[]> => (await client.request<MarketList>('/api/catalog/markets', { auth: 'none' })).data.items,

    syncRuns: async (source?: string) => (await client.request<SyncRunList>(`/api/catalog/sync-runs${toQueryString({ source, limit: 50 })}`, { auth })).data.items,
    dailyReports: async (from: string, to: string) =>
      (await client.request<DailyReportList>(`/api/orders/reports/daily${toQueryString({ from, to })}`, { auth })).data.items,
    apiKeys: async () => (await client.request<ApiKeyList>('/api/admin/api-keys', { auth })).data.items,
    /** The answer is the only time the key is shown. */
    issueApiKey: async (body: CreateApiKeyBody) => (await client.request<IssuedApiKey>('/api/admin/api-keys', { method: 'POST', body, auth })).data,
    rotateApiKey: async (id: string) => (await client.request<IssuedApiKey>(`/api/admin/api-keys/${encodeURIComponent(id)}/rotate`, { method: 'POST', auth })).data,
    revokeApiKey: async (id: string) => {
      await client.request<unknown>(`/api/admin/api-keys/${encodeURIComponent(id)}`, { method: 'DELETE', auth });
    },
    /** Partner requests per tier and UTC day over the last `days` days (auth keeps them from the audit log). */
    partnerUsage: async (days: number) => (await client.request<PartnerUsageByTier>(`/api/admin/partner-usage${toQueryString({ days })}`, { auth })).data,
  };
}

export type AdminApi = ReturnType<typeof adminApi>;
