import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { MEDIA_CACHE_CONTROL, Topics, productImageSchema, productViewSchema, type ProductImage } from '@shop/contracts';
import { FilesystemMediaStore } from '@shop/media-store';
import type { Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import { buildHarness, catalogDatabases, createProduct, tableCounts, tokens, type CatalogHarness } from './catalog-harness';

const admin = `Bearer ${tokens.admin}`;

/** Limits low enough to refuse cheaply, high enough for the images below. */
const limits = { maxBytes: 400_000, maxPixels: 4_000_000, minSide: 64, maxImagesPerProduct: 3 };

/** A product-like PNG: a coloured background with a lighter disc, `width` × `height`. */
function pngImage(width: number, height: number, colour = '#2f6fdb'): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${colour}"/><circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 3}" fill="#ffffff" fill-opacity="0.4"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Every file under a folder (the filesystem media store's objects and their metadata sidecars). */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

async function imageRows(db: Database, productId?: string): Promise<number> {
  const { rows } = await db.query<{ count: number }>('SELECT count(*) AS count FROM product_images WHERE $1::uuid IS NULL OR product_id = $1', [productId ?? null]);
  return Number(rows[0].count);
}

describeEachDatabase<Database>('product images', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;
  let mediaDir: string;

  beforeAll(async () => {
    mediaDir = await mkdtemp(path.join(tmpdir(), 'catalog-media-test-'));
    harness = await buildHarness(getDb(), { media: new FilesystemMediaStore(mediaDir), imageLimits: limits });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await rm(mediaDir, { recursive: true, force: true });
  });

  const upload = (productId: string, file: Buffer, options: { filename?: string; contentType?: string; alt?: string; authorization?: string | null } = {}) => {
    const call = harness.http.post(`/api/catalog/products/${productId}/images`);
    if (options.authorization !== null) call.set('Authorization', options.authorization ?? admin);
    if (options.alt !== undefined) call.field('alt', options.alt);
    return call.attach('file', file, { filename: options.filename ?? 'photo.png', contentType: options.contentType ?? 'image/png' });
  };

  /** Asserts that a refused upload stored nothing: no row, no object, no product change. */
  async function expectNothingStored(action: () => Promise<unknown>): Promise<void> {
    const [files, rows, counts] = [await filesUnder(mediaDir), await imageRows(harness.db), await tableCounts(harness.db)];
    await action();
    expect(await filesUnder(mediaDir)).toEqual(files);
    expect(await imageRows(harness.db)).toBe(rows);
    expect(await tableCounts(harness.db)).toEqual(counts);
  }

  it('when an admin uploads a PNG, then it answers 201 with the image, each variant is served immutable in its format at its width, and the public product shows it', async () => {
    const { body: product } = await createProduct(harness, { name: 'Image Lamp' });
    const png = await pngImage(1600, 1200);
    const response = await upload(product.id, png, { alt: 'The lamp from the front' }).expect(201);
    const image = productImageSchema.parse(response.body);
    expect(image).toMatchObject({ id: createHash('sha256').update(png).digest('hex'), width: 1600, height: 1200, alt: 'The lamp from the front' });
    expect(image.variants.map((variant) => `${variant.width}.${variant.format}`).sort()).toEqual(
      ['320.avif', '320.webp', '320.jpeg', '640.avif', '640.webp', '640.jpeg', '1280.avif', '1280.webp', '1280.jpeg'].sort(),
    );
    for (const variant of image.variants) {
      expect(variant.url).toBe(`/media/${image.id}/${variant.width}.${variant.format}`);
      expect(variant.height).toBe(Math.round((1200 * variant.width) / 1600));
      const served = await harness.http.get(variant.url).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
      expect(served.status).toBe(200);
      expect(served.headers['content-type']).toBe(`image/${variant.format}`);
      expect(served.headers['cache-control']).toBe(MEDIA_CACHE_CONTROL);
      expect(served.headers.etag).toBeDefined();
      const metadata = await sharp(served.body as Buffer).metadata();
      expect({ width: metadata.width, height: metadata.height, format: metadata.format === 'heif' ? 'avif' : metadata.format }).toEqual({ width: variant.width, height: variant.height, format: variant.format });
      // The name decides the tag: a revalidation is a 304.
      await harness.http.get(variant.url).set('If-None-Match', served.headers.etag).expect(304);
    }

    const read = await harness.http.get(`/api/catalog/products/${product.id}`).expect(200);
    const view = productViewSchema.parse(read.body);
    expect(view.images).toEqual([image]);
    expect(view.imageUrls[0]).toBe(`/media/${image.id}/640.jpeg`);
    const adminRead = await harness.http.get(`/api/catalog/admin/products/${product.id}`).set('Authorization', admin).expect(200);
    expect(adminRead.body.images).toEqual([image]);
    expect(adminRead.body.version).toBe(2);

    await harness.flushEvents();
    const updated = harness.received.get(Topics.products)!.filter((event) => event.subject === product.id && event.type === 'product.updated');
    expect(updated.at(-1)?.data).toMatchObject({ version: 2, changes: { images: [image.id] } });
  });

  it('when the same image is uploaded twice, then the second answer is 200 with the same image and the product has it once', async () => {
    const { body: product } = await createProduct(harness);
    const png = await pngImage(800, 600, '#c0392b');
    const first = await upload(product.id, png).expect(201);
    const files = await filesUnder(mediaDir);
    const second = await upload(product.id, png, { filename: 'other-name.png' }).expect(200);
    expect(second.body).toEqual(first.body);
    expect(await imageRows(harness.db, product.id)).toBe(1);
    expect(await filesUnder(mediaDir)).toEqual(files);
    // Not wider than the original: 320, 640 and the original 800 instead of 1280.
    expect([...new Set((first.body as ProductImage).variants.map((variant) => variant.width))].sort((a, b) => a - b)).toEqual([320, 640, 800]);
  });

  it('when another product gets an image that is stored already, then nothing is rendered again and both show it', async () => {
    const png = await pngImage(700, 700, '#16a085');
    const { body: first } = await createProduct(harness);
    const { body: second } = await createProduct(harness);
    const image = (await upload(first.id, png).expect(201)).body as ProductImage;
    const files = await filesUnder(mediaDir);
    expect((await upload(second.id, png).expect(201)).body).toEqual(image);
    expect(await filesUnder(mediaDir)).toEqual(files);
  });

  it('when a JPEG carries an EXIF orientation, then the image and its variants are upright', async () => {
    const { body: product } = await createProduct(harness);
    const sideways = await sharp(await pngImage(800, 400)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const image = (await upload(product.id, sideways, { filename: 'photo.jpg', contentType: 'image/jpeg' }).expect(201)).body as ProductImage;
    expect({ width: image.width, height: image.height }).toEqual({ width: 400, height: 800 });
    const largest = image.variants.find((variant) => variant.format === 'jpeg' && variant.width === 400)!;
    expect(largest.height).toBe(800);
  });

  it('when a text file comes named x.png with Content-Type image/png, then the answer is 415 and nothing is stored', async () => {
    const { body: product } = await createProduct(harness);
    await expectNothingStored(async () => {
      const response = await upload(product.id, Buffer.from('just some text, not an image at all'), { filename: 'x.png', contentType: 'image/png' }).expect(415);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    });
  });

  it('when the body is not multipart, then the answer is 415', async () => {
    const { body: product } = await createProduct(harness);
    await harness.http.post(`/api/catalog/products/${product.id}/images`).set('Authorization', admin).send({ file: 'x' }).expect(415);
  });

  it('when the file is larger than the limit, then the answer is 413 and nothing is stored', async () => {
    const { body: product } = await createProduct(harness);
    // Random bytes behind a PNG signature: large whatever the compression.
    const large = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(limits.maxBytes + 10, 7)]);
    await expectNothingStored(async () => {
      const response = await upload(product.id, large).expect(413);
      expect(response.body).toMatchObject({ type: 'urn:shop:problem:payload_too_large', maxBytes: limits.maxBytes });
    });
  });

  it.each([
    ['too many pixels (a tiny file of 3000 × 3000 px)', () => sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#888888' } }).png().toBuffer()],
    ['a side below the minimum', () => pngImage(50, 400)],
    ['a damaged PNG', async () => (await pngImage(400, 400)).subarray(0, 120)],
  ])('when the image has %s, then the answer is 422 and nothing is stored', async (_what, make) => {
    const { body: product } = await createProduct(harness);
    const file = await make();
    await expectNothingStored(async () => {
      const response = await upload(product.id, file).expect(422);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    });
  });

  it('when the product has the most images allowed, then another upload is 409 and nothing is stored', async () => {
    const { body: product } = await createProduct(harness);
    for (const colour of ['#111111', '#222222', '#333333']) await upload(product.id, await pngImage(100, 100, colour)).expect(201);
    const extra = await pngImage(100, 100, '#444444');
    await expectNothingStored(() => upload(product.id, extra).expect(409));
  });

  it.each([
    ['no token', null, 401],
    ['a customer token', `Bearer ${tokens.customer}`, 403],
  ])('when uploading with %s, then the answer is %s and nothing is stored', async (_what, authorization, status) => {
    const { body: product } = await createProduct(harness);
    const png = await pngImage(200, 200, '#8e44ad');
    await expectNothingStored(() => upload(product.id, png, { authorization }).expect(status));
  });

  it('when the product does not exist, then the answer is 404 and nothing is stored', async () => {
    const png = await pngImage(200, 200, '#d35400');
    await expectNothingStored(() => upload('6f1c2b7e-0000-4000-8000-000000000000', png).expect(404));
    await expectNothingStored(() => upload('not-a-product', png).expect(404));
  });

  it('when an admin deletes an image, then the product no longer shows it and a second delete is 404', async () => {
    const { body: product } = await createProduct(harness);
    const image = (await upload(product.id, await pngImage(300, 300, '#27ae60')).expect(201)).body as ProductImage;
    await harness.http.delete(`/api/catalog/products/${product.id}/images/${image.id}`).set('Authorization', `Bearer ${tokens.customer}`).expect(403);
    await harness.http.delete(`/api/catalog/products/${product.id}/images/${image.id}`).set('Authorization', admin).expect(204);
    const view = productViewSchema.parse((await harness.http.get(`/api/catalog/products/${product.id}`).expect(200)).body);
    expect(view.images).toEqual([]);
    expect(view.imageUrls).toEqual([]);
    await harness.http.delete(`/api/catalog/products/${product.id}/images/${image.id}`).set('Authorization', admin).expect(404);
  });

  it.each(['/media/../package.json', '/media/%2e%2e/package.json', '/media/..%2fpackage.json', '/media/A/B.jpeg', '/media/x', '/media/'])('when %s is asked for, then the answer is a 404 problem', async (target) => {
    const response = await harness.http.get(target);
    expect([400, 404]).toContain(response.status);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});

describeEachDatabase<Database>('product images under a public media origin (MEDIA_PUBLIC_BASE_URL)', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;
  let mediaDir: string;
  beforeAll(async () => {
    mediaDir = await mkdtemp(path.join(tmpdir(), 'catalog-media-origin-test-'));
    harness = await buildHarness(getDb(), { media: new FilesystemMediaStore(mediaDir), imageLimits: limits, mediaBaseUrl: 'https://shop.example.com/' });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await rm(mediaDir, { recursive: true, force: true });
  });

  it('when an image is uploaded, then the upload answer, the public read and the admin read give absolute variant URLs under the origin, which the shop serves at their path', async () => {
    const { body: product } = await createProduct(harness, { sku: 'ORIGIN-1' });
    const uploaded = await harness.http
      .post(`/api/catalog/products/${product.id}/images`)
      .set('Authorization', admin)
      .attach('file', await pngImage(700, 500), { filename: 'photo.png', contentType: 'image/png' })
      .expect(201);
    const image = productImageSchema.parse(uploaded.body);
    const absolute = new RegExp(`^https://shop\\.example\\.com/media/${image.id}/\\d+\\.(avif|webp|jpeg)$`);
    expect(image.variants.every((variant) => absolute.test(variant.url))).toBe(true);
    const read = productViewSchema.parse((await harness.http.get(`/api/catalog/products/${product.id}`).expect(200)).body);
    expect(read.imageUrls).toEqual([`https://shop.example.com/media/${image.id}/640.jpeg`]);
    expect(read.images[0].variants.map((variant) => variant.url)).toEqual(image.variants.map((variant) => variant.url));
    const adminRead = await harness.http.get(`/api/catalog/admin/products/${product.id}`).set('Authorization', admin).expect(200);
    expect(adminRead.body.imageUrls).toEqual(read.imageUrls);
    // The origin is where Front Door serves the same paths.
    await harness.http.get(new URL(read.imageUrls[0]).pathname).expect(200).expect('Content-Type', 'image/jpeg');
  });
});
