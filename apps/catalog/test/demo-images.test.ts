import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { productPageSchema } from '@shop/contracts';
import { FilesystemMediaStore } from '@shop/media-store';
import { PgliteDatabase } from '@shop/postgres';
import { migrateCatalog } from '../src/composition';
import { DEMO_PRODUCT_COUNT, seedDemoCatalog, seedDemoImages } from '../src/jobs/demo-catalog.seed';
import { buildHarness, type CatalogHarness } from './catalog-harness';

// PGlite only: the seed runs on the embedded database (`npm start`), and it is the slower of the two.
describe('demo images', () => {
  let harness: CatalogHarness;
  let db: PgliteDatabase;
  let mediaDir: string;

  beforeAll(async () => {
    mediaDir = await mkdtemp(path.join(tmpdir(), 'catalog-demo-media-'));
    db = await PgliteDatabase.open();
    await migrateCatalog(db);
    harness = await buildHarness(db, { media: new FilesystemMediaStore(mediaDir) });
    await seedDemoCatalog(harness.catalog.catalogSync);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await db?.close();
    await rm(mediaDir, { recursive: true, force: true });
  });

  it('when the demo images are seeded, then every demo product shows a local image, each category image is stored once, and a second run attaches nothing', async () => {
    const first = await seedDemoImages(harness.catalog.productImages);

    expect(first).toMatchObject({ attached: DEMO_PRODUCT_COUNT, images: 15 });
    // 15 images × 3 widths × 3 formats, each with its metadata sidecar.
    const files = (await readdir(mediaDir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
    expect(files).toHaveLength(15 * 9 * 2);
    const page = productPageSchema.parse((await harness.http.get('/api/catalog/products?limit=100').expect(200)).body);
    for (const product of page.items) {
      expect(product.images).toHaveLength(1);
      expect(product.imageUrls).toEqual([product.images[0].variants.find((variant) => variant.width === 640 && variant.format === 'jpeg')!.url]);
    }
    await harness.http.get(page.items[0].imageUrls[0]).expect(200).expect('Content-Type', 'image/jpeg');
    const second = await seedDemoImages(harness.catalog.productImages);
    expect(second.attached).toBe(0);
  }, 60_000);
});
