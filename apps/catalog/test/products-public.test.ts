import { Topics, productPageSchema, type ProductPage, type ProductView } from '@shop/contracts';
import { describeEachDatabase, eventually } from '@shop/testing';
import type { Database } from '@shop/postgres';
import { demoCatalogBatch } from '../src/jobs/demo-catalog.seed';
import { buildHarness, catalogDatabases, createProduct, tableCounts, tokens, type AdminProduct, type CatalogHarness } from './catalog-harness';

type Page = ProductPage;

const demo = demoCatalogBatch();
type DemoRecord = { sku: string; brand: string; status: string; onHand: number; price: { amount: number }; categoryPath: string[] };
const demoRecords = demo.products as DemoRecord[];
const activeDemo = demoRecords.filter((record) => record.status === 'active');

describeEachDatabase<Database>('catalog public API', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;
  let lantern: AdminProduct;
  let stove: AdminProduct;
  let draft: AdminProduct;

  beforeAll(async () => {
    harness = await buildHarness(getDb());
    const report = await harness.catalog.catalogSync.bulkUpsertProducts({ actor: { kind: 'system', name: 'test' } }, demo);
    if (report === 'duplicate' || report.rejected.length > 0) throw new Error(`demo seed failed: ${JSON.stringify(report)}`);
    lantern = (await createProduct(harness, { sku: 'LANTERN-1', name: 'Aurora Lantern', description: 'A bright camping light', brand: 'Glowco' })).body;
    stove = (await createProduct(harness, { sku: 'STOVE-1', name: 'Camp Stove', description: 'Cooks well next to an aurora lantern', brand: 'Glowco' })).body;
    draft = (await createProduct(harness, { sku: 'DRAFT-1', name: 'Aurora Draft', status: 'draft', brand: 'Glowco' })).body;
  }, 60_000);
  afterAll(() => harness?.close());

  async function getPage(query: string): Promise<Page> {
    const response = await harness.http.get(`/api/catalog/products?${query}`);
    if (response.status !== 200) throw new Error(`${query}: ${response.status} ${JSON.stringify(response.body)}`);
    return productPageSchema.parse(response.body);
  }

  async function walkAllPages(query: string): Promise<{ items: ProductView[]; pages: number }> {
    const items: ProductView[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await getPage(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      items.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
      if (pages > 200) throw new Error('pagination does not end');
    } while (cursor);
    return { items, pages };
  }

  it('when searching a word, then products with it in the name rank above products with it only in the description', async () => {
    const page = await getPage('q=aurora');
    expect(page.items.map((item) => item.sku)).toEqual([lantern.sku, stove.sku]);
    expect(page.nextCursor).toBeNull();
  });

  it('when searching the start of a word (search as you type), then products with the word are found', async () => {
    const page = await getPage('q=glowco%20auro');
    expect(page.items.map((item) => item.sku).sort()).toEqual([lantern.sku, stove.sku].sort());
  });

  it('when filtering by a top-level category, then products of every subcategory are returned and no others', async () => {
    const { items } = await walkAllPages('category=electronics&limit=100');
    const expected = activeDemo.filter((record) => record.categoryPath[0] === 'Electronics');
    expect(items).toHaveLength(expected.length);
    expect(new Set(items.map((item) => item.category?.path.split(' > ')[0]))).toEqual(new Set(['Electronics']));
    expect(new Set(items.map((item) => item.category?.path.split(' > ').length))).toEqual(new Set([3]));
  });

  it('when filtering by a mid-level category, then only its subtree is returned', async () => {
    const { items } = await walkAllPages('category=audio&limit=100');
    const expected = activeDemo.filter((record) => record.categoryPath[1] === 'Audio');
    expect(items.map((item) => item.sku).sort()).toEqual(expected.map((record) => record.sku).sort());
  });

  it('when filtering by price range, brand and stock, then exactly the matching products are returned', async () => {
    const { items } = await walkAllPages('minPrice=5000&maxPrice=20000&brand=sonora&inStock=true&limit=50');
    const expected = activeDemo.filter((r) => r.price.amount >= 5000 && r.price.amount <= 20000 && r.brand === 'Sonora' && r.onHand > 0);
    expect(expected.length).toBeGreaterThan(0);
    expect(items.map((item) => item.sku).sort()).toEqual(expected.map((record) => record.sku).sort());
    for (const item of items) expect(item.availability.inStock).toBe(true);
  });

  it('when asking for sold-out products, then every one reports zero available', async () => {
    const { items } = await walkAllPages('category=fashion&inStock=false&limit=100');
    const expected = activeDemo.filter((r) => r.categoryPath[0] === 'Fashion' && r.onHand === 0);
    expect(expected.length).toBeGreaterThan(0);
    expect(items.map((item) => item.sku).sort()).toEqual(expected.map((record) => record.sku).sort());
    for (const item of items) expect(item.availability).toEqual({ available: 0, inStock: false });
  });

  it.each([
    ['price', (a: ProductView, b: ProductView) => a.price.amount <= b.price.amount],
    ['-price', (a: ProductView, b: ProductView) => a.price.amount >= b.price.amount],
    ['newest', (a: ProductView, b: ProductView) => a.createdAt >= b.createdAt],
  ])('when walking every page sorted by %s, then each product appears once, in order, and none is missing', async (sort, inOrder) => {
    const { items, pages } = await walkAllPages(`sort=${sort}&limit=17`);
    const expectedCount = activeDemo.length + 2;
    expect(pages).toBe(Math.ceil(expectedCount / 17));
    expect(items).toHaveLength(expectedCount);
    expect(new Set(items.map((item) => item.id)).size).toBe(expectedCount);
    for (let i = 1; i < items.length; i += 1) expect(inOrder(items[i - 1], items[i])).toBe(true);
  });

  it('when walking a relevance-sorted search page by page, then there are no duplicates or gaps', async () => {
    const all = await getPage('q=headphones&limit=100');
    const { items } = await walkAllPages('q=headphones&limit=3');
    expect(all.items.length).toBeGreaterThan(3);
    expect(items.map((item) => item.id)).toEqual(all.items.map((item) => item.id));
  });

  it('when a product is a draft, then it is neither listed nor readable publicly', async () => {
    expect((await getPage('q=aurora')).items.map((item) => item.id)).not.toContain(draft.id);
    await harness.http.get(`/api/catalog/products/${draft.id}`).expect(404).expect('Content-Type', /application\/problem\+json/);
    await harness.http.get(`/api/catalog/products/${draft.sku}`).expect(404);
  });

  it('when reading a product by id and by SKU, then both give the same body, ETag and CDN cache headers', async () => {
    const byId = await harness.http.get(`/api/catalog/products/${lantern.id}`).expect(200);
    const bySku = await harness.http.get(`/api/catalog/products/${lantern.sku}`).expect(200);
    expect(byId.body).toEqual(bySku.body);
    expect(byId.body).toMatchObject({ id: lantern.id, sku: 'LANTERN-1', name: 'Aurora Lantern', availability: { available: 0, inStock: false } });
    expect(byId.headers.etag).toMatch(new RegExp(`^"v${lantern.version}-[A-Za-z0-9_-]+"$`));
    expect(bySku.headers.etag).toBe(byId.headers.etag);
    // The market came from no URL (the default): Front Door, which keys by URL, must not share it.
    expect(byId.headers['cache-control']).toBe('private, max-age=0');
    const named = await harness.http.get(`/api/catalog/products/${lantern.id}?market=eu&lang=en`).set('Cookie', 'shop_market=jp').set('Accept-Language', 'de').expect(200);
    expect(named.headers['cache-control']).toBe('public, max-age=0, s-maxage=30, stale-while-revalidate=60');
    expect(named.body.price.currency).toBe('EUR');
    expect(named.body.language).toBe('en');
    // The market in the URL, the language not: the answer still depends on Accept-Language.
    const marketOnly = await harness.http.get(`/api/catalog/products/${lantern.id}?market=eu`).expect(200);
    expect(marketOnly.headers['cache-control']).toBe('private, max-age=0');
  });

  it('when a list or search names its market and language in the URL, then the edge may cache it; chosen by cookie, country or language, only the browser may', async () => {
    const named = await harness.http.get('/api/catalog/products?market=eu&lang=de').expect(200);
    expect(named.headers['cache-control']).toBe('public, max-age=0, s-maxage=15, stale-while-revalidate=30');
    for (const headers of [{ Cookie: 'shop_market=eu' }, { 'X-Client-Country': 'DE' }, { 'Accept-Language': 'de-DE' }, {}]) {
      const chosen = await harness.http.get('/api/catalog/products').set(headers).expect(200);
      expect(chosen.headers['cache-control']).toBe('private, max-age=0');
      expect(chosen.headers.vary).toBe('Cookie, X-Client-Country, Accept-Language');
    }
    for (const query of ['?market=eu', '?lang=de']) {
      const chosen = await harness.http.get(`/api/catalog/products${query}`).expect(200);
      expect(chosen.headers['cache-control']).toBe('private, max-age=0');
      expect(chosen.headers.vary).toBe('Cookie, X-Client-Country, Accept-Language');
    }
  });

  it('when If-None-Match carries the current ETag, then the answer is 304 without a body', async () => {
    const first = await harness.http.get(`/api/catalog/products/${lantern.id}`).expect(200);
    const second = await harness.http.get(`/api/catalog/products/${lantern.id}`).set('If-None-Match', first.headers.etag).expect(304);
    expect(second.text).toBeFalsy();
    await harness.http.get(`/api/catalog/products/${lantern.id}`).set('If-None-Match', '"v1-somethingelse"').expect(200);
  });

  it('when a product does not exist, then the answer is 404 problem+json', async () => {
    for (const ref of ['00000000-0000-4000-8000-000000000000', 'NO-SUCH-SKU', '%27%20OR%201%3D1--']) {
      const response = await harness.http.get(`/api/catalog/products/${ref}`).expect(404);
      expect(response.body).toMatchObject({ status: 404, type: 'urn:shop:problem:not_found' });
    }
  });

  it.each([
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['limit=abc', 'query.limit'],
    ['limit=1.5', 'query.limit'],
    ['sort=cheapest', 'query.sort'],
    ['sort=relevance', 'query.sort'],
    ['cursor=garbage!!', 'query.cursor'],
    ['cursor=eyJ2IjoxfQ', 'query.cursor'],
    ['minPrice=-1', 'query.minPrice'],
    ['minPrice=1.5', 'query.minPrice'],
    ['maxPrice=99999999999999', 'query.maxPrice'],
    ['minPrice=500&maxPrice=100', 'query.minPrice'],
    ['inStock=maybe', 'query.inStock'],
    ['colour=red', 'query'],
    ['q=a&q=b', 'query.q'],
    ['category=%00', 'query.category'],
  ])('when the query is %s, then the answer is 400 problem+json naming %s', async (query, field) => {
    const response = await harness.http.get(`/api/catalog/products?${query}`).expect(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body.type).toBe('urn:shop:problem:invalid');
    expect((response.body.errors as Array<{ field: string }>).map((error) => error.field).join(',')).toContain(field);
  });

  it('when a cursor from one search is used for another, then the answer is 400', async () => {
    const page = await getPage('sort=price&limit=2');
    expect(page.nextCursor).toBeTruthy();
    await harness.http.get(`/api/catalog/products?sort=-price&limit=2&cursor=${page.nextCursor}`).expect(400);
    await harness.http.get(`/api/catalog/products?sort=price&brand=sonora&limit=2&cursor=${page.nextCursor}`).expect(400);
  });

  it.each([
    ["'; DROP TABLE products; --"],
    ['&&||!:*()'],
    ['"unbalanced quote'],
    ['-'],
    ['🎧🔥'],
    ['سماعات رأس'],
    ['אוזניות'],
    ['headphones\u0000 OR 1=1'],
    ['x'.repeat(200)],
    ['<script>alert(1)</script>'],
  ])('when q is %j, then the answer is 200 with sane results and nothing is harmed', async (q) => {
    const before = await tableCounts(harness.db);
    const response = await harness.http.get('/api/catalog/products').query({ q }).expect(200);
    expect(Array.isArray(response.body.items)).toBe(true);
    for (const item of response.body.items as ProductView[]) expect(item.status).toBe('active');
    expect(await tableCounts(harness.db)).toEqual(before);
  });

  it('when q is longer than 200 characters, then the answer is 400', async () => {
    await harness.http.get('/api/catalog/products').query({ q: 'x'.repeat(201) }).expect(400);
  });

  it('when reading the categories, then they form a three-level tree', async () => {
    const response = await harness.http.get('/api/catalog/categories').expect(200);
    const roots = response.body.items as Array<{ slug: string; name: string; children: Array<{ slug: string; children: Array<{ slug: string; children: unknown[] }> }> }>;
    expect(roots.map((root) => root.name)).toEqual(['Electronics', 'Fashion', 'Home & Kitchen', 'Sports & Outdoors']);
    const electronics = roots.find((root) => root.slug === 'electronics')!;
    expect(electronics.children.map((child) => child.slug)).toEqual(['audio', 'cameras', 'computers']);
    expect(electronics.children[0].children.map((leaf) => leaf.slug)).toEqual(['headphones', 'speakers']);
    expect(electronics.children[0].children[0].children).toEqual([]);
  });

  it('when an anonymous caller views and searches, then the views are counted into one product.viewed and the search is published; signed-in callers and other services are not tracked', async () => {
    await harness.catalog.analytics.flush();
    await harness.eventBus.whenIdle();
    const analytics = harness.received.get(Topics.analytics)!;
    analytics.length = 0;
    await harness.http.get(`/api/catalog/products/${stove.sku}`).expect(200);
    await harness.http.get(`/api/catalog/products/${stove.id}`).expect(200);
    await harness.http.get('/api/catalog/products?q=stove').expect(200);
    await harness.http.get(`/api/catalog/products/${stove.sku}`).set('Authorization', `Bearer ${tokens.customer}`).expect(200);
    await harness.http.get(`/api/catalog/products/${stove.id}`).set('dapr-caller-app-id', 'cart').expect(200);
    // The search is published off the request path: wait until it has arrived, not for some ticks.
    await eventually(() => analytics.some((event) => event.type === 'catalog.searched'));
    await harness.catalog.analytics.flush();
    await harness.eventBus.whenIdle();
    expect(analytics.map((event) => event.type).sort()).toEqual(['catalog.searched', 'product.viewed']);
    const viewed = analytics.find((event) => event.type === 'product.viewed')!;
    expect(viewed.subject).toBe(stove.id);
    expect(viewed.data).toMatchObject({ productId: stove.id, sku: stove.sku, views: 2 });
    const { from, to } = viewed.data as { from: string; to: string };
    expect(Date.parse(from)).toBeLessThanOrEqual(Date.parse(to));
    expect(analytics.find((event) => event.type === 'catalog.searched')!.data).toMatchObject({ q: 'stove', sort: 'relevance', resultCount: 1, page: 'first' });
  });

  it('when the database and state store answer, then /readyz is ready', async () => {
    const response = await harness.http.get('/readyz').expect(200);
    expect(response.body.checks.map((check: { name: string }) => check.name).sort()).toEqual(['database', 'state-store']);
  });
});
