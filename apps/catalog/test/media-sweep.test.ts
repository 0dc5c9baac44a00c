import { createHash } from 'node:crypto';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { CatalogInternalPaths, mediaSweepReportSchema, type ProductImage } from '@shop/contracts';
import { FilesystemMediaStore, type MediaStore } from '@shop/media-store';
import type { Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import { SqlMediaSweepRepository } from '../src/data/media-sweep.repository';
import { MediaSweepService } from '../src/domain/media-sweep.service';
import { buildHarness, catalogDatabases, createProduct, tokens, type CatalogHarness } from './catalog-harness';

const admin = `Bearer ${tokens.admin}`;
const limits = { maxBytes: 400_000, maxPixels: 4_000_000, minSide: 64, maxImagesPerProduct: 3 };
const day = 86_400;

/** A small PNG of one colour with a lighter disc; 120 px wide, so its variants are 120 px in three formats. */
function pngImage(colour: string, width = 120, height = 90): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${colour}"/><circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 3}" fill="#ffffff" fill-opacity="0.4"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Wraps a store so a test can step in right after the upload stored its objects (before the attach). */
class SteppingMediaStore implements MediaStore {
  afterPut?: () => Promise<void>;
  /** Called after every put, not awaited (a sweep started beside the upload). */
  besideEveryPut?: () => void;

  constructor(private readonly inner: MediaStore) {}

  async put(...args: Parameters<MediaStore['put']>) {
    const stored = await this.inner.put(...args);
    this.besideEveryPut?.();
    const step = this.afterPut;
    if (step) {
      this.afterPut = undefined;
      await step();
    }
    return stored;
  }

  get(name: string) {
    return this.inner.get(name);
  }

  stat(name: string) {
    return this.inner.stat(name);
  }

  delete(name: string) {
    return this.inner.delete(name);
  }

  list(prefix?: string) {
    return this.inner.list(prefix);
  }

  ping() {
    return this.inner.ping();
  }
}

describeEachDatabase<Database>('media sweep of unreferenced images', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;
  let mediaDir: string;
  let store: FilesystemMediaStore;
  let media: SteppingMediaStore;

  beforeAll(async () => {
    mediaDir = await mkdtemp(path.join(tmpdir(), 'catalog-media-sweep-test-'));
    store = new FilesystemMediaStore(mediaDir);
    media = new SteppingMediaStore(store);
    harness = await buildHarness(getDb(), { media, imageLimits: limits });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await rm(mediaDir, { recursive: true, force: true });
  });

  /** A sweep whose clock is `aheadSeconds` in the future, with the default grace of a day. */
  const sweepAhead = (aheadSeconds: number, graceSeconds = day) =>
    new MediaSweepService({ repository: new SqlMediaSweepRepository(harness.db), media, graceSeconds, clock: () => new Date(Date.now() + aheadSeconds * 1000) }).sweepUnreferencedMedia();

  const upload = async (productId: string, file: Buffer, status: 200 | 201 = 201): Promise<ProductImage> =>
    (await harness.http.post(`/api/catalog/products/${productId}/images`).set('Authorization', admin).attach('file', file, { filename: 'photo.png', contentType: 'image/png' }).expect(status)).body as ProductImage;
  const detach = (productId: string, imageId: string) => harness.http.delete(`/api/catalog/products/${productId}/images/${imageId}`).set('Authorization', admin).expect(204);

  async function objectsOf(imageId: string): Promise<string[]> {
    const names: string[] = [];
    for await (const object of store.list(`${imageId}/`)) names.push(object.name);
    return names.sort();
  }

  async function orphanEntry(imageId: string): Promise<Date | undefined> {
    const { rows } = await harness.db.query<{ orphaned_at: Date }>('SELECT orphaned_at FROM media_orphans WHERE image_id = $1', [imageId]);
    return rows[0]?.orphaned_at;
  }

  async function productsWith(imageId: string): Promise<number> {
    const { rows } = await harness.db.query<{ count: number }>('SELECT count(*) AS count FROM product_images WHERE image_id = $1', [imageId]);
    return Number(rows[0].count);
  }

  async function expectServed(image: ProductImage, status: 200 | 404): Promise<void> {
    for (const variant of image.variants) await harness.http.get(new URL(variant.url, 'http://shop').pathname).expect(status);
  }

  it('when an image loses its last product, then it waits on the orphan list and a sweep after the grace deletes its objects and the entry', async () => {
    const { body: product } = await createProduct(harness);
    const image = await upload(product.id, await pngImage('#1f77b4'));
    expect(await objectsOf(image.id)).toHaveLength(image.variants.length);
    expect(await orphanEntry(image.id)).toBeUndefined();
    await detach(product.id, image.id);
    expect(await orphanEntry(image.id)).toBeInstanceOf(Date);
    // Detached is not gone: its URLs still serve during the grace.
    await expectServed(image, 200);

    const report = await sweepAhead(day + 60);
    expect(report.orphansSwept).toBeGreaterThanOrEqual(1);
    expect(report.objectsDeleted).toBeGreaterThanOrEqual(image.variants.length);
    expect(await objectsOf(image.id)).toEqual([]);
    expect(await orphanEntry(image.id)).toBeUndefined();
    await expectServed(image, 404);
  });

  it('when the sweep runs within the grace, then nothing is deleted and the entry stays', async () => {
    const { body: product } = await createProduct(harness);
    const image = await upload(product.id, await pngImage('#ff7f0e'));
    await detach(product.id, image.id);
    const objects = await objectsOf(image.id);
    // The app's own sweep, on the default grace of a day.
    await harness.catalog.mediaSweep.sweepUnreferencedMedia();
    await sweepAhead(day - 600);
    expect(await objectsOf(image.id)).toEqual(objects);
    expect(await orphanEntry(image.id)).toBeInstanceOf(Date);
    await expectServed(image, 200);
  });

  it('when an image is detached from one product but another still has it, then it is not an orphan and no sweep deletes it', async () => {
    const png = await pngImage('#2ca02c');
    const { body: first } = await createProduct(harness);
    const { body: second } = await createProduct(harness);
    const image = await upload(first.id, png);
    await upload(second.id, png);
    await detach(first.id, image.id);
    expect(await orphanEntry(image.id)).toBeUndefined();
    // Even a stale entry (as a lost race could leave) only costs a look: the row is checked under the image's lock.
    await harness.db.query("INSERT INTO media_orphans (image_id, orphaned_at) VALUES ($1, now() - interval '30 days')", [image.id]);
    const report = await sweepAhead(10 * day);
    expect(report.orphansAdopted).toBeGreaterThanOrEqual(1);
    expect(await orphanEntry(image.id)).toBeUndefined();
    expect(await objectsOf(image.id)).toHaveLength(image.variants.length);
    await expectServed(image, 200);
  });

  it('when the same bytes are attached again before the sweep, then the entry is gone, the objects stay and the image serves', async () => {
    const png = await pngImage('#d62728');
    const { body: product } = await createProduct(harness);
    const image = await upload(product.id, png);
    await detach(product.id, image.id);
    expect(await orphanEntry(image.id)).toBeInstanceOf(Date);
    const { body: other } = await createProduct(harness);
    expect(await upload(other.id, png)).toEqual(image);
    expect(await orphanEntry(image.id)).toBeUndefined();
    await sweepAhead(10 * day);
    expect(await objectsOf(image.id)).toHaveLength(image.variants.length);
    await expectServed(image, 200);
  });

  it('when a product is deleted, then its images no other product has go on the orphan list', async () => {
    const { body: product } = await createProduct(harness);
    const image = await upload(product.id, await pngImage('#9467bd'));
    const { headers } = await harness.http.get(`/api/catalog/admin/products/${product.id}`).set('Authorization', admin).expect(200);
    await harness.http.delete(`/api/catalog/products/${product.id}`).set('Authorization', admin).set('If-Match', headers.etag).expect(204);
    expect(await orphanEntry(image.id)).toBeInstanceOf(Date);
    await sweepAhead(day + 60);
    expect(await objectsOf(image.id)).toEqual([]);
  });

  it('when objects have neither a row nor an orphan entry (an upload that crashed before its row), then they are swept once older than the grace, and names of another shape are left alone', async () => {
    const crashed = sha256(Buffer.from('crashed upload'));
    const recent = sha256(Buffer.from('upload in progress'));
    const stranger = 'banners/2026/winter.jpeg';
    const old = new Date(Date.now() - 2 * day * 1000);
    for (const name of [`${crashed}/320.jpeg`, `${crashed}/320.webp`, `${recent}/320.jpeg`, stranger]) await store.put(name, Buffer.from(name), { contentType: 'image/jpeg' });
    for (const name of [`${crashed}/320.jpeg`, `${crashed}/320.webp`, stranger]) await utimes(path.join(mediaDir, name), old, old);

    const report = await sweepAhead(0);
    expect(report.unrecordedSwept).toBeGreaterThanOrEqual(1);
    expect(await objectsOf(crashed)).toEqual([]);
    expect(await objectsOf(recent)).toEqual([`${recent}/320.jpeg`]);
    await expect(store.stat(stranger)).resolves.not.toBeNull();
  });

  it('when the media sweeper of the app runs, then /metrics counts the sweep and the objects it deleted', async () => {
    const crashed = sha256(Buffer.from('crashed upload, counted'));
    const old = new Date(Date.now() - 2 * day * 1000);
    for (const name of [`${crashed}/320.jpeg`, `${crashed}/320.avif`]) {
      await store.put(name, Buffer.from(name), { contentType: 'image/jpeg' });
      await utimes(path.join(mediaDir, name), old, old);
    }
    // The app's sweeper, not started (no interval): the run the interval and the internal route make.
    const report = await harness.catalog.mediaSweeper.sweepOnce();
    expect(await objectsOf(crashed)).toEqual([]);
    const exposition = (await harness.http.get('/metrics').expect(200)).text;
    // Every series carries the service label too: `name{reason="...",service="catalog"} value`.
    const valueOf = (name: string, label = '') =>
      Number(exposition.split('\n').find((line) => line.startsWith(`${name}{`) && line.includes(label))?.split(' ').at(-1));
    expect(valueOf('media_sweeps_total')).toBeGreaterThanOrEqual(1);
    expect(valueOf('media_swept_objects_total')).toBeGreaterThanOrEqual(report.objectsDeleted);
    expect(report.objectsDeleted).toBeGreaterThanOrEqual(2);
    expect(valueOf('media_swept_images_total', 'reason="unrecorded"')).toBeGreaterThanOrEqual(1);
  });

  it('when the internal sweep route is called, then it sweeps now with the grace of the app and answers what it deleted', async () => {
    const { body: product } = await createProduct(harness);
    const image = await upload(product.id, await pngImage('#e377c2'));
    await detach(product.id, image.id);
    mediaSweepReportSchema.parse((await harness.http.post(CatalogInternalPaths.sweepMedia).expect(200)).body);
    expect(await objectsOf(image.id)).toHaveLength(image.variants.length);
    // Past the grace of a day (the entry dated back, as the clock of the route's sweep is the real one).
    await harness.db.query("UPDATE media_orphans SET orphaned_at = now() - interval '2 days' WHERE image_id = $1", [image.id]);
    const past = mediaSweepReportSchema.parse((await harness.http.post(CatalogInternalPaths.sweepMedia).expect(200)).body);
    expect(past.orphansSwept).toBeGreaterThanOrEqual(1);
    expect(past.objectsDeleted).toBeGreaterThanOrEqual(image.variants.length);
    expect(await objectsOf(image.id)).toEqual([]);
  });

  it('when a sweep deletes the objects between the upload storing them and attaching its row, then the upload stores them again and the image serves', async () => {
    const png = await pngImage('#8c564b');
    const { body: product } = await createProduct(harness);
    const image = await upload(product.id, png);
    await detach(product.id, image.id);
    // The next upload's first put finds the objects there (a no-op), then the sweep takes them all before the attach.
    media.afterPut = async () => {
      await sweepAhead(10 * day);
      expect(await objectsOf(image.id)).toEqual([]);
    };
    const { body: other } = await createProduct(harness);
    expect(await upload(other.id, png)).toEqual(image);
    expect(media.afterPut).toBeUndefined();
    expect(await objectsOf(image.id)).toHaveLength(image.variants.length);
    await expectServed(image, 200);
  });

  it('when a sweep starts beside every object an upload stores, then the upload still attaches, at its second store at most, and keeps its objects', async () => {
    const png = await pngImage('#bcbd22');
    const { body: product } = await createProduct(harness);
    const image = await upload(product.id, png);
    await detach(product.id, image.id);
    // Every put of the re-upload starts a sweep from ten days ahead: the image is orphaned and old to each of them.
    const sweeps: Array<Promise<unknown>> = [];
    media.besideEveryPut = () => sweeps.push(sweepAhead(10 * day));
    try {
      const { body: other } = await createProduct(harness);
      expect(await upload(other.id, png)).toEqual(image);
    } finally {
      media.besideEveryPut = undefined;
    }
    await Promise.all(sweeps);
    // The sweeps that ran before the attach took the objects; the attach stored them again under the image's lock,
    // and every sweep after it found the row.
    expect(sweeps.length).toBeGreaterThanOrEqual(image.variants.length);
    expect(await productsWith(image.id)).toBe(1);
    expect(await objectsOf(image.id)).toHaveLength(image.variants.length);
    await expectServed(image, 200);
  });

  it('when sweeps race detaches and re-attaches of the same bytes many times, then every image a product has keeps all its objects', async () => {
    const png = await pngImage('#17becf');
    const imageId = sha256(png);
    const { body: first } = await createProduct(harness);
    const { body: second } = await createProduct(harness);
    let image = await upload(first.id, png);
    for (let round = 0; round < 15; round += 1) {
      // Each round starts with the image on the first product only.
      const firstHasIt = (await harness.db.query('SELECT 1 FROM product_images WHERE product_id = $1 AND image_id = $2', [first.id, imageId])).rows.length > 0;
      if (!firstHasIt) image = await upload(first.id, png);
      // The detach orphans the image unless the second product's attach commits first; the attach finds the objects
      // (the first product's row) and skips rendering, or finds them swept and renders again; the sweep, its clock two
      // days ahead, deletes whatever is orphaned by the time it holds the lock.
      await Promise.all([detach(first.id, imageId), upload(second.id, png), sweepAhead(2 * day, 0), sweepAhead(2 * day)]);
      expect(await productsWith(imageId)).toBe(1);
      expect(await objectsOf(imageId)).toHaveLength(image.variants.length);
      await expectServed(image, 200);
      // Back to the start: the second product lets go, then a sweep may or may not take the objects before the
      // first product gets the image again.
      await Promise.all([detach(second.id, imageId), sweepAhead(2 * day, 0)]);
      await Promise.all([upload(first.id, png), sweepAhead(2 * day, 0), sweepAhead(2 * day, 0)]);
      expect(await productsWith(imageId)).toBe(1);
      expect(await objectsOf(imageId)).toHaveLength(image.variants.length);
      await expectServed(image, 200);
    }
  }, 120_000);
});
