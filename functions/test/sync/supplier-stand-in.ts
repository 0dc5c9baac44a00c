import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the stand-in does to one request before (or instead of) answering normally: fail, wait, never answer,
 * redirect (302 to `redirect`, absolute or relative), or stream a valid page padded to `oversized` bytes (with a
 * truthful Content-Length when `declareLength`, otherwise chunked).
 */
export type Fault =
  | { status: number; retryAfter?: string }
  | { delayMs: number }
  | { hang: true }
  | { redirect: string }
  | { oversized: number; declareLength?: boolean };

/**
 * A local supplier API serving generated products, DummyJSON-style and Shopify-style, with scripted faults. It can
 * also play a hostile supplier: next links to another origin, a total or a listing that never ends, redirects and
 * oversized pages (faults); a second instance on another port plays the foreign host and records what reached it.
 */
export class SupplierStandIn {
  /** Raw products served by both styles (mutate between runs). */
  products: Array<Record<string, unknown>> = [];
  /** Faults per page key (`skip=<n>` or `page=<n>`), consumed one per request. */
  readonly faults = new Map<string, Fault[]>();
  /** Every request path in arrival order. */
  readonly requests: string[] = [];
  /** Every request with its headers, to prove which host saw the API key. */
  readonly received: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  /** Origin written into Shopify `next` links instead of this server's own: another host's, or '' for relative links. */
  linkOrigin?: string;
  /** DummyJSON `total` to report instead of the real count (a listing far longer than it is). */
  reportedTotal?: number;
  /** When set, Shopify pages keep linking to a next page up to this many pages, whatever the product count. */
  endlessPages?: number;
  /** Requests that were never answered (`hang`) and whose client hung up. */
  abandonedRequests = 0;
  /** Bytes of the oversized pages written so far, and whether one was written to its end. */
  readonly oversizedPages = { bytesWritten: 0, finished: false };
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Adds faults for a page key. */
  fault(key: string, ...faults: Fault[]): void {
    this.faults.set(key, [...(this.faults.get(key) ?? []), ...faults]);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests.push(req.url ?? '');
    this.received.push({ path: req.url ?? '', headers: req.headers });
    const url = new URL(req.url ?? '/', this.url);
    const limit = Number(url.searchParams.get('limit') ?? 30);
    const isShopify = url.pathname.endsWith('/products.json');
    const offset = isShopify ? Number(url.searchParams.get('page_info') ?? 0) : Number(url.searchParams.get('skip') ?? 0);
    const key = isShopify ? `page=${offset}` : `skip=${offset}`;
    const fault = this.faults.get(key)?.shift();
    if (fault && 'hang' in fault) {
      // Never answers; the response closes only when the client gives up on it.
      res.on('close', () => (this.abandonedRequests += 1));
      return;
    }
    if (fault && 'delayMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault && 'status' in fault) {
      res.writeHead(fault.status, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
      res.end(JSON.stringify({ message: 'scripted fault' }));
      return;
    }
    if (fault && 'redirect' in fault) {
      res.writeHead(302, { location: fault.redirect });
      res.end();
      return;
    }
    if (fault && 'oversized' in fault) return this.streamOversized(res, fault.oversized, fault.declareLength ?? false);
    if (res.destroyed) return;
    const page = this.products.slice(offset, offset + limit);
    if (isShopify) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const more = offset + limit < this.products.length || (this.endlessPages !== undefined && offset / limit + 1 < this.endlessPages);
      if (more) headers.link = `<${this.linkOrigin ?? this.url}${url.pathname}?limit=${limit}&page_info=${offset + limit}>; rel="next"`;
      res.writeHead(200, headers);
      res.end(JSON.stringify({ products: page }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ products: page, total: this.reportedTotal ?? this.products.length, skip: offset, limit }));
  }

  /** A page valid for both styles (no products), padded to `bytes`, written as fast as the reader takes it. */
  private async streamOversized(res: ServerResponse, bytes: number, declareLength: boolean): Promise<void> {
    const head = '{"products":[],"total":0,"skip":0,"limit":10,"padding":"';
    const tail = '"}';
    const chunk = 'x'.repeat(64 * 1024);
    res.writeHead(200, { 'content-type': 'application/json', ...(declareLength ? { 'content-length': String(bytes) } : {}) });
    res.write(head);
    let written = head.length;
    while (written < bytes - tail.length) {
      if (res.destroyed) return;
      const piece = chunk.slice(0, bytes - tail.length - written);
      written += piece.length;
      this.oversizedPages.bytesWritten += piece.length;
      // Waits for the reader (or its hang-up) so what was written is what the client let in, plus socket buffers.
      if (!res.write(piece)) await new Promise<void>((resolve) => {
        const go = () => {
          res.off('drain', go);
          res.off('close', go);
          resolve();
        };
        res.on('drain', go);
        res.on('close', go);
      });
    }
    res.end(tail);
    this.oversizedPages.finished = true;
  }
}

/** A well-formed DummyJSON product. */
export function dummyProduct(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    title: `  Product ${id}  `,
    description: `Description of product ${id}`,
    category: 'beauty',
    brand: id % 2 ? 'Acme' : undefined,
    sku: `SKU-${id}`,
    price: Number(`${id}.99`),
    stock: id * 3,
    images: [`https://cdn.example.com/p/${id}.png`],
    tags: ['demo'],
    rating: 4.5,
    ...overrides,
  };
}

/** A well-formed Shopify product with one variant. */
export function shopifyProduct(id: number, price = '19.99'): Record<string, unknown> {
  return {
    id,
    title: `Shirt ${id}`,
    body_html: `<p>A <b>fine</b> shirt ${id}</p>`,
    vendor: 'Contoso',
    product_type: 'Apparel',
    tags: 'cotton, summer',
    status: 'active',
    images: [{ src: `https://cdn.example.com/s/${id}.jpg` }],
    variants: [{ id: id * 10, sku: `SH-${id}`, title: 'Default Title', price, inventory_quantity: 7 }],
  };
}

/** The record catalog would be sent for DummyJSON product 1 in `currency`. */
export function dummyRecord(currency: string): Record<string, unknown> {
  return {
    externalId: '1',
    sku: 'SKU-1',
    name: 'Product 1',
    description: 'Description of product 1',
    brand: 'Acme',
    categoryPath: ['beauty'],
    imageUrls: ['https://cdn.example.com/p/1.png'],
    attributes: { tags: ['demo'], rating: 4.5 },
    price: { amount: 199, currency },
    status: 'active',
    onHand: 3,
  };
}
