import { z } from 'zod';
import type { NormalisedRecord, ProductSource, SourcePage } from './product-source';
import { describeFetchError, type SupplierHttpClient } from './supplier-http-client';
import { normaliseWith } from './normalise';

/** Settings of a Shopify-style source. */
export interface ShopifySourceOptions {
  name: string;
  /** e.g. `https://shop.myshopify.com/admin/api/2024-10`. */
  baseUrl: string;
  currency: string;
  pageSize: number;
  /** Pages one listing reads at most: a `next` link after the last of them ends the listing as failed. */
  maxPages: number;
  timeoutMs: number;
  http: SupplierHttpClient;
}

const variantSchema = z.object({
  id: z.union([z.number().int(), z.string().min(1)]),
  sku: z.string().nullish(),
  title: z.string().nullish(),
  price: z.unknown().optional(),
  inventory_quantity: z.number().int().nullish(),
});

/** A Shopify product as the Admin REST API sends it (extra fields are ignored). */
const shopifyProductSchema = z.object({
  id: z.union([z.number().int(), z.string().min(1)]),
  title: z.string(),
  body_html: z.string().nullish(),
  vendor: z.string().nullish(),
  product_type: z.string().nullish(),
  tags: z.string().nullish(),
  status: z.string().nullish(),
  images: z.array(z.object({ src: z.string() })).nullish(),
  variants: z.array(z.unknown()).nullish(),
});

/** What the listing yields per sellable item: one variant with its product (each variant is its own catalog product). */
const variantRecordSchema = z.object({ id: z.union([z.number(), z.string()]), product: shopifyProductSchema, variant: variantSchema });

/** The `rel="next"` URL of an RFC 8288 Link header, if any. */
export function nextLinkOf(linkHeader: string | null): string | undefined {
  if (!linkHeader) return undefined;
  for (const part of linkHeader.split(',')) {
    const match = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (match && /\brel="?next"?/.test(match[2])) return match[1];
  }
  return undefined;
}

const statusOf: Record<string, 'active' | 'draft' | 'archived'> = { active: 'active', draft: 'draft', archived: 'archived' };

function stripHtml(html: string): string {
  return html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * `GET {baseUrl}/products.json?limit=` then each `Link: <…page_info=…>; rel="next"` until there is none. Cursor
 * pagination is sequential by nature; a failed page ends the listing (the cursor to the rest is unknown). The client
 * refuses a `next` link to another origin; a listing still linking on after `maxPages` pages ends as failed too.
 */
export class ShopifySource implements ProductSource {
  readonly name: string;
  constructor(private readonly options: ShopifySourceOptions) {
    this.name = options.name;
  }

  async *pages(): AsyncIterable<SourcePage> {
    const start = new URL('products.json', this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
    start.searchParams.set('limit', String(this.options.pageSize));
    let url: string | undefined = start.toString();
    for (let pageNumber = 0; url; pageNumber++) {
      if (pageNumber >= this.options.maxPages) {
        yield { kind: 'failed', pageNumber, error: `page ${pageNumber}: the listing goes on past the page limit of ${this.options.maxPages} pages a run (SYNC_MAX_PAGES); later pages not read` };
        return;
      }
      try {
        const { body, headers } = await this.options.http.getJson(url);
        const parsed = z.object({ products: z.array(z.unknown()) }).safeParse(body);
        if (!parsed.success) {
          yield { kind: 'failed', pageNumber, error: `page ${pageNumber}: unexpected page shape; later pages not reachable` };
          return;
        }
        yield { kind: 'records', pageNumber, records: parsed.data.products.flatMap(toVariantRecords) };
        // A relative target resolves against the page (RFC 8288); where it points is the client's to check.
        const next = nextLinkOf(headers.get('link'));
        url = next === undefined ? undefined : (URL.parse(next, url)?.toString() ?? next);
      } catch (error) {
        yield { kind: 'failed', pageNumber, error: `page ${pageNumber}: ${describeFetchError(error, this.options.timeoutMs)}; later pages not reachable` };
        return;
      }
    }
  }

  normalise(raw: unknown): NormalisedRecord {
    return normaliseWith(variantRecordSchema, raw, this.options.currency, ({ variant }) => variant.price, ({ product, variant }, price) => {
      const variantTitle = variant.title && variant.title !== 'Default Title' ? ` - ${variant.title}` : '';
      const tags = (product.tags ?? '').split(',').map((tag) => tag.trim()).filter(Boolean);
      return {
        externalId: String(variant.id),
        // Suppliers pad codes and URLs with spaces; catalog's rules do not trim them, so the sync does.
        sku: variant.sku?.trim() || `SH-${variant.id}`,
        name: `${product.title.trim()}${variantTitle}`,
        description: stripHtml(product.body_html ?? ''),
        brand: product.vendor?.trim() ? product.vendor : null,
        ...(product.product_type?.trim() ? { categoryPath: [product.product_type] } : {}),
        imageUrls: (product.images ?? []).map((image) => image.src.trim()),
        attributes: { shopifyProductId: String(product.id), ...(tags.length ? { tags } : {}) },
        price,
        status: statusOf[product.status ?? 'active'] ?? 'draft',
        ...(variant.inventory_quantity !== undefined && variant.inventory_quantity !== null ? { onHand: Math.max(0, variant.inventory_quantity) } : {}),
      };
    });
  }
}

/** One raw record per variant; a product without a parseable variant list still yields one record so it is rejected with a reason. */
function toVariantRecords(raw: unknown): unknown[] {
  const product = shopifyProductSchema.safeParse(raw);
  if (!product.success || !product.data.variants?.length) return [{ id: (raw as { id?: unknown })?.id, product: raw, variant: undefined }];
  return product.data.variants.map((variant) => ({ id: (variant as { id?: unknown })?.id, product: product.data, variant }));
}
