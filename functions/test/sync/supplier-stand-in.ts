import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stand-in does to one request before (or instead of) answering normally. */
export type Fault = { status: number; retryAfter?: string } | { delayMs: number } | { hang: true };

/** A local supplier API serving generated products, DummyJSON-style and Shopify-style, with scripted faults. */
export class SupplierStandIn {
  /** Raw products served by both styles (mutate between runs). */
  products: Array<Record<string, unknown>> = [];
  /** Faults per page key (`skip=<n>` or `page=<n>`), consumed one per request. */
  readonly faults = new Map<string, Fault[]>();
  /** Every request path in arrival order. */
  readonly requests: string[] = [];
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
    const url = new URL(req.url ?? '/', this.url);
    const limit = Number(url.searchParams.get('limit') ?? 30);
    const isShopify = url.pathname.endsWith('/products.json');
    const offset = isShopify ? Number(url.searchParams.get('page_info') ?? 0) : Number(url.searchParams.get('skip') ?? 0);
    const key = isShopify ? `page=${offset}` : `skip=${offset}`;
    const fault = this.faults.get(key)?.shift();
    if (fault && 'hang' in fault) return; // never answers
    if (fault && 'delayMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault && 'status' in fault) {
      res.writeHead(fault.status, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
      res.end(JSON.stringify({ message: 'scripted fault' }));
      return;
    }
    if (res.destroyed) return;
    const page = this.products.slice(offset, offset + limit);
    if (isShopify) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (offset + limit < this.products.length) headers.link = `<${this.url}${url.pathname}?limit=${limit}&page_info=${offset + limit}>; rel="next"`;
      res.writeHead(200, headers);
      res.end(JSON.stringify({ products: page }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ products: page, total: this.products.length, skip: offset, limit }));
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
