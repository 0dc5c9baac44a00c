import type { Database } from '@shop/postgres';
import { noConversion, type PriceListPolicy } from '../domain/price-list';
import type { Category } from '../domain/ports';
import type { ProductWithAvailability } from '../domain/product';
import type { ProductAdminRepository, ProductAdminTransaction } from '../domain/product-admin.ports';
import { SqlProductWrites, categoryColumns, productColumns, productFrom, toCategory, toProduct, touchProductVersion, type CategoryRow, type ProductRow } from './product-tables';

/** The transactions of admin product changes in PostgreSQL (or PGlite). */
export class SqlProductAdminRepository implements ProductAdminRepository {
  constructor(
    private readonly db: Database,
    private readonly pricing: PriceListPolicy = noConversion,
  ) {}

  transaction<T>(work: (tx: ProductAdminTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((sql) => work(new SqlProductAdminTransaction(sql, 'admin', this.pricing)));
  }
}

/** The statements of one admin change. */
class SqlProductAdminTransaction extends SqlProductWrites implements ProductAdminTransaction {
  async lockProduct(id: string): Promise<ProductWithAvailability | undefined> {
    const { rows } = await this.sql.query<ProductRow>(`SELECT ${productColumns} ${productFrom} WHERE p.id = $1 FOR UPDATE OF p`, [id]);
    return rows[0] ? toProduct(rows[0]) : undefined;
  }

  async findCategoryBySlug(slug: string): Promise<Category | undefined> {
    const { rows } = await this.sql.query<CategoryRow>(`SELECT ${categoryColumns} FROM categories WHERE slug = $1`, [slug]);
    return rows[0] ? toCategory(rows[0]) : undefined;
  }

  touchProduct(id: string, expectedVersion: number, now: Date): Promise<number | undefined> {
    return touchProductVersion(this.sql, id, expectedVersion, now);
  }

  async deleteProduct(id: string): Promise<boolean> {
    const { rows } = await this.sql.query('SELECT 1 FROM inventory_reservations WHERE product_id = $1 LIMIT 1', [id]);
    if (rows.length > 0) return false;
    await this.sql.query('DELETE FROM products WHERE id = $1', [id]);
    return true;
  }
}
