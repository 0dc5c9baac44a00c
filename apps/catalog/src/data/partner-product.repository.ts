import type { Database } from '@shop/postgres';
import type { PartnerFeedItem, PartnerFeedQuery, PartnerProductRepository } from '../domain/partner-catalog.ports';
import { productColumns, productFrom, toProduct, type ProductRow } from './product-tables';

/** The partner feed in PostgreSQL (or PGlite), on the read pool. */
export class SqlPartnerProductRepository implements PartnerProductRepository {
  constructor(private readonly db: Database) {}

  async activeProductsByChange(query: PartnerFeedQuery): Promise<PartnerFeedItem[]> {
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = ["p.status = 'active'"];
    if (query.category !== undefined) {
      where.push(`p.category_id IN (
        WITH RECURSIVE subtree AS (
          SELECT id FROM categories WHERE slug = ${param(query.category)}
          UNION ALL
          SELECT child.id FROM categories child JOIN subtree ON child.parent_id = subtree.id
        )
        SELECT id FROM subtree)`);
    }
    if (query.updatedSince !== undefined) where.push(`p.updated_at >= ${param(query.updatedSince)}::timestamptz`);
    if (query.after) {
      // Integer microseconds both ways: a millisecond JS date would repeat or skip rows that share a millisecond.
      where.push(`(p.updated_at, p.id) > (timestamptz 'epoch' + ${param(query.after.updatedAtMicros)}::int8 * interval '1 microsecond', ${param(query.after.id)}::uuid)`);
    }
    const { rows } = await this.db.readQuery<ProductRow & { updated_at_micros: number }>(
      `SELECT ${productColumns}, (extract(epoch FROM p.updated_at) * 1000000)::int8 AS updated_at_micros ${productFrom}
       WHERE ${where.join(' AND ')}
       ORDER BY p.updated_at, p.id
       LIMIT ${param(query.limit + 1)}`,
      params,
    );
    return rows.map((row) => ({ product: toProduct(row), position: { updatedAtMicros: Number(row.updated_at_micros), id: row.id } }));
  }
}
