import type { Database, SqlExecutor } from '@shop/postgres';
import type { ProductWithAvailability } from '../domain/product';
import type { StoredProductImage } from '../domain/product-image';
import type { ProductImageRepository, ProductImageTransaction } from '../domain/product-image.ports';
import type { ProductEvent } from '../domain/product-events';
import { lockMediaImage } from './media-image-lock';
import * as outbox from './outbox';
import { productColumns, productFrom, toProduct, touchProductVersion, type ProductRow } from './product-tables';

/** The product images table in PostgreSQL (or PGlite). */
export class SqlProductImageRepository implements ProductImageRepository {
  constructor(private readonly db: Database) {}

  async findProduct(id: string): Promise<ProductWithAvailability | undefined> {
    const { rows } = await this.db.query<ProductRow>(`SELECT ${productColumns} ${productFrom} WHERE p.id = $1`, [id]);
    return rows[0] ? toProduct(rows[0]) : undefined;
  }

  async productIdsBySku(skus: readonly string[]): Promise<Map<string, string>> {
    const { rows } = await this.db.query<{ id: string; sku: string }>('SELECT id, sku FROM products WHERE sku = ANY($1::text[])', [skus]);
    return new Map(rows.map((row) => [row.sku, row.id]));
  }

  async findStoredImage(imageId: string): Promise<StoredProductImage | undefined> {
    const { rows } = await this.db.query<{ width: number; height: number; variants: StoredProductImage['variants'] }>(
      'SELECT width, height, variants FROM product_images WHERE image_id = $1 LIMIT 1',
      [imageId],
    );
    return rows[0] ? { id: imageId, width: rows[0].width, height: rows[0].height, alt: null, variants: rows[0].variants } : undefined;
  }

  transaction<T>(work: (tx: ProductImageTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((sql) => work(new SqlProductImageTransaction(sql)));
  }
}

/** The statements of one image change. */
class SqlProductImageTransaction implements ProductImageTransaction {
  constructor(private readonly sql: SqlExecutor) {}

  lockImage(imageId: string): Promise<void> {
    return lockMediaImage(this.sql, imageId);
  }

  async lockProduct(id: string): Promise<ProductWithAvailability | undefined> {
    const { rows } = await this.sql.query<ProductRow>(`SELECT ${productColumns} ${productFrom} WHERE p.id = $1 FOR UPDATE OF p`, [id]);
    return rows[0] ? toProduct(rows[0]) : undefined;
  }

  async appendImage(productId: string, image: StoredProductImage, now: Date): Promise<void> {
    // The caller holds the product's lock, so the next position cannot be taken meanwhile.
    await this.sql.query(
      `INSERT INTO product_images (product_id, image_id, position, width, height, alt, variants, created_at)
       SELECT $1, $2, coalesce(max(position) + 1, 0), $3, $4, $5, $6::jsonb, $7 FROM product_images WHERE product_id = $1`,
      [productId, image.id, image.width, image.height, image.alt, JSON.stringify(image.variants), now],
    );
  }

  // A trigger (migration 010) keeps the orphan list: appending takes the image off it, removing its last row puts it on.
  async removeImage(productId: string, imageId: string): Promise<boolean> {
    const { rows } = await this.sql.query('DELETE FROM product_images WHERE product_id = $1 AND image_id = $2 RETURNING image_id', [productId, imageId]);
    return rows.length > 0;
  }

  touchProduct(id: string, expectedVersion: number, now: Date): Promise<number | undefined> {
    return touchProductVersion(this.sql, id, expectedVersion, now);
  }

  enqueueProductEvent(event: ProductEvent): Promise<void> {
    return outbox.enqueueProductEvent(this.sql, event);
  }
}
