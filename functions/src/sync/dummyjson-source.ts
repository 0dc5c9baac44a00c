import { z } from 'zod';
import type { NormalisedRecord, ProductSource, SourcePage } from './product-source';
import { SupplierRefusedError, describeFetchError, type SupplierHttpClient } from './supplier-http-client';
import { normaliseWith } from './normalise';

/** Settings of a DummyJSON-style source. */
export interface DummyJsonSourceOptions {
  name: string;
  baseUrl: string;
  currency: string;
  pageSize: number;
  /** Pages one listing reads at most: a `total` that needs more ends the listing as failed after page 0. */
  maxPages: number;
  /** Pages fetched at once after the first. */
  pageConcurrency: number;
  timeoutMs: number;
  http: SupplierHttpClient;
}

const pageSchema = z.object({
  products: z.array(z.unknown()),
  total: z.number().int().min(0),
  skip: z.number().int().min(0),
  limit: z.number().int().min(0),
});

/** A DummyJSON product as the supplier sends it (extra fields are ignored). */
const dummyJsonProductSchema = z.object({
  id: z.union([z.number().int(), z.string().min(1)]),
  title: z.string(),
  description: z.string().nullish(),
  brand: z.string().nullish(),
  category: z.string().nullish(),
  sku: z.string().nullish(),
  price: z.unknown().optional(),
  stock: z.number().int().nullish(),
  images: z.array(z.string()).nullish(),
  tags: z.array(z.string()).nullish(),
  rating: z.number().nullish(),
});

/**
 * `GET {baseUrl}/products?limit=&skip=` → `{products, total, skip, limit}`. Page 0 tells the total; the remaining
 * pages are fetched with bounded concurrency and yielded in order, so two runs over the same data send the same batches.
 * A total needing more than `maxPages` pages is not read further, and a refused page (a redirect elsewhere, an
 * oversized body) ends the listing: a supplier answering like that is not read on, its in-flight pages are cancelled.
 */
export class DummyJsonSource implements ProductSource {
  readonly name: string;
  constructor(private readonly options: DummyJsonSourceOptions) {
    this.name = options.name;
  }

  async *pages(): AsyncIterable<SourcePage> {
    const { pageSize, maxPages } = this.options;
    const listing = new AbortController();
    try {
      const first = await this.fetchPage(0, listing.signal);
      yield first.page;
      if (first.page.kind === 'failed' || first.total === undefined) return;
      const pageCount = Math.ceil(first.total / pageSize);
      if (pageCount > maxPages) {
        yield {
          kind: 'failed',
          pageNumber: 1,
          error: `page 1: the supplier reports ${first.total} products, ${pageCount} pages of ${pageSize}, past the page limit of ${maxPages} pages a run (SYNC_MAX_PAGES); later pages not read`,
        };
        return;
      }
      // A sliding window of in-flight fetches, awaited in page order.
      const inFlight: Array<Promise<{ page: SourcePage; refused?: boolean }>> = [];
      let next = 1;
      const fill = () => {
        while (next < pageCount && inFlight.length < this.options.pageConcurrency) inFlight.push(this.fetchPage(next++, listing.signal));
      };
      fill();
      while (inFlight.length > 0) {
        const { page, refused } = await inFlight.shift()!;
        yield page;
        if (refused) return;
        fill();
      }
    } finally {
      // Pages still in flight when the listing ends early (refused, or the consumer stopped) are not needed any more.
      listing.abort();
    }
  }

  normalise(raw: unknown): NormalisedRecord {
    return normaliseWith(dummyJsonProductSchema, raw, this.options.currency, (product) => product.price, (product, price) => ({
      externalId: String(product.id),
      // Suppliers pad codes and URLs with spaces; catalog's rules do not trim them, so the sync does.
      sku: product.sku?.trim() ?? `DJ-${product.id}`,
      name: product.title,
      description: product.description ?? '',
      brand: product.brand?.trim() ? product.brand : null,
      ...(product.category?.trim() ? { categoryPath: [product.category] } : {}),
      imageUrls: (product.images ?? []).map((url) => url.trim()),
      attributes: {
        ...(product.tags?.length ? { tags: product.tags } : {}),
        ...(product.rating !== undefined && product.rating !== null ? { rating: product.rating } : {}),
      },
      price,
      status: 'active',
      ...(product.stock !== undefined && product.stock !== null ? { onHand: product.stock } : {}),
    }));
  }

  private async fetchPage(pageNumber: number, signal: AbortSignal): Promise<{ page: SourcePage; total?: number; refused?: boolean }> {
    const { baseUrl, pageSize } = this.options;
    const url = new URL('products', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    url.searchParams.set('limit', String(pageSize));
    url.searchParams.set('skip', String(pageNumber * pageSize));
    try {
      const { body } = await this.options.http.getJson(url.toString(), signal);
      const parsed = pageSchema.safeParse(body);
      if (!parsed.success) return { page: { kind: 'failed', pageNumber, error: `page ${pageNumber}: unexpected page shape` } };
      return { page: { kind: 'records', pageNumber, records: parsed.data.products }, total: parsed.data.total };
    } catch (error) {
      const refused = error instanceof SupplierRefusedError;
      const reason = `page ${pageNumber}: ${describeFetchError(error, this.options.timeoutMs)}${refused ? '; later pages not read' : ''}`;
      return { page: { kind: 'failed', pageNumber, error: reason }, refused };
    }
  }
}
