import type { Database } from '@shop/postgres';
import type { Category } from '../domain/ports';
import type { ProductWithAvailability } from '../domain/product';
import type { ProductHit, ProductLookup, ProductQueryRepository } from '../domain/product-query.ports';
import type { ProductSearch } from '../domain/product-search';
import { categoryColumns, productColumns, productFrom, toCategory, toProduct, type CategoryRow, type ProductRow } from './product-tables';

/** Ranks are compared in cursors, so they are integers (millionths), never floats. */
const RANK_SCALE = 1_000_000;

/** Product and category reads in PostgreSQL (or PGlite): one product on the primary, searches and the tree on the read pool. */
export class SqlProductQueryRepository implements ProductQueryRepository {
  constructor(private readonly db: Database) {}

  async findProduct(lookup: ProductLookup): Promise<ProductWithAvailability | undefined> {
    const [column, value] = 'id' in lookup ? ['p.id', lookup.id] : ['p.sku', lookup.sku];
    const params: unknown[] = [value];
    let sql = `SELECT ${productColumns} ${productFrom} WHERE ${column} = $1`;
    if (lookup.statuses) {
      params.push(lookup.statuses);
      sql += ' AND p.status = ANY($2::text[])';
    }
    const { rows } = await this.db.query<ProductRow>(sql, params);
    return rows[0] ? toProduct(rows[0]) : undefined;
  }

  async searchProducts(search: ProductSearch): Promise<ProductHit[]> {
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = [`p.status = ANY(${param(search.statuses)}::text[])`];
    // In a market, its currency's row of the price list; a product without one keeps its own price.
    const marketPrice = search.currency === undefined ? undefined : param(search.currency);
    const listedPrice = marketPrice ? 'coalesce(mp.amount_minor, p.price_amount)' : 'p.price_amount';
    const marketJoin = marketPrice ? `LEFT JOIN product_prices mp ON mp.product_id = p.id AND mp.currency = ${marketPrice}::text` : '';
    let rank = '0::bigint';
    let translationJoin = '';
    if (search.q) {
      // The base texts (indexed in English), or-ed with the texts in the reader's language, stemmed as it is.
      const baseQuery = tsQueryOf(search.q, `'english'`, param);
      if (search.language === undefined) {
        where.push(`p.search_vector @@ (${baseQuery})`);
        rank = `round(ts_rank(p.search_vector, ${baseQuery}) * ${RANK_SCALE})::bigint`;
      } else {
        const language = param(search.language);
        const translatedQuery = tsQueryOf(search.q, `text_search_config_of(${language}::text)`, param);
        translationJoin = `LEFT JOIN product_translations pt ON pt.product_id = p.id AND pt.language = ${language}::text`;
        where.push(`(p.search_vector @@ (${baseQuery}) OR pt.search_vector @@ (${translatedQuery}))`);
        rank = `round(greatest(ts_rank(p.search_vector, ${baseQuery}), coalesce(ts_rank(pt.search_vector, ${translatedQuery}), 0)) * ${RANK_SCALE})::bigint`;
      }
    }
    if (search.category !== undefined) {
      where.push(`p.category_id IN (
        WITH RECURSIVE subtree AS (
          SELECT id FROM categories WHERE slug = ${param(search.category)}
          UNION ALL
          SELECT child.id FROM categories child JOIN subtree ON child.parent_id = subtree.id
        )
        SELECT id FROM subtree)`);
    }
    if (search.brand !== undefined) where.push(`lower(p.brand) = lower(${param(search.brand)})`);
    if (search.minPrice !== undefined) where.push(`${listedPrice} >= ${param(search.minPrice)}`);
    if (search.maxPrice !== undefined) where.push(`${listedPrice} <= ${param(search.maxPrice)}`);
    if (search.inStock !== undefined) where.push(`coalesce(i.on_hand, 0) - coalesce(i.reserved, 0) ${search.inStock ? '>' : '<='} 0`);
    if (search.maxAvailable !== undefined) where.push(`coalesce(i.on_hand, 0) - coalesce(i.reserved, 0) <= ${param(search.maxAvailable)}`);

    const [keyColumn, direction] = orderOf(search.sort);
    const outerWhere: string[] = [];
    if (search.after) {
      const after = search.after;
      const key = after.sort === 'newest' ? `${param(after.createdAt)}::timestamptz` : after.sort === 'relevance' ? `${param(after.rank)}::bigint` : `${param(after.price)}::bigint`;
      outerWhere.push(`(hits.${keyColumn}, hits.id) ${direction === 'DESC' ? '<' : '>'} (${key}, ${param(after.id)}::uuid)`);
    }
    const sql = `
      SELECT * FROM (
        SELECT ${productColumns}, ${rank} AS rank, ${listedPrice} AS listed_price ${productFrom} ${marketJoin} ${translationJoin}
        WHERE ${where.join(' AND ')}
      ) hits
      ${outerWhere.length > 0 ? `WHERE ${outerWhere.join(' AND ')}` : ''}
      ORDER BY hits.${keyColumn} ${direction}, hits.id ${direction}
      LIMIT ${param(search.limit + 1)}`;
    const { rows } = await this.db.readQuery<ProductRow & { listed_price: number }>(sql, params);
    return rows.map((row) => ({ ...toProduct(row), rank: Number(row.rank ?? 0), listedPrice: Number(row.listed_price) }));
  }

  async listCategories(): Promise<Category[]> {
    const { rows } = await this.db.readQuery<CategoryRow>(`SELECT ${categoryColumns} FROM categories ORDER BY path`);
    return rows.map(toCategory);
  }

  async countProducts(): Promise<number> {
    const { rows } = await this.db.query<{ count: number }>('SELECT count(*) AS count FROM products');
    return Number(rows[0]?.count ?? 0);
  }
}

/**
 * The text-search query of `q`: websearch syntax (quotes, OR, -word; never a syntax error, whatever the input),
 * stemmed by `config` (an SQL expression of a regconfig), or-ed with a prefix match of the last word for
 * search-as-you-type ("wireless headph").
 */
function tsQueryOf(q: string, config: string, param: (value: unknown) => string): string {
  const words = `websearch_to_tsquery(${config}, ${param(q)})`;
  const last = /([\p{L}\p{N}]{2,})$/u.exec(q)?.[1];
  if (!last) return words;
  // Letters and digits only, so the prefix cannot carry tsquery operators.
  const prefix = `to_tsquery('simple', ${param(`${last.toLowerCase()}:*`)})`;
  const rest = q.slice(0, q.length - last.length).trim();
  return rest ? `(${words} || (websearch_to_tsquery(${config}, ${param(rest)}) && ${prefix}))` : `(${words} || ${prefix})`;
}

function orderOf(sort: ProductSearch['sort']): [column: string, direction: 'ASC' | 'DESC'] {
  switch (sort) {
    case 'newest':
      return ['created_at', 'DESC'];
    case 'price':
      return ['listed_price', 'ASC'];
    case '-price':
      return ['listed_price', 'DESC'];
    case 'relevance':
      return ['rank', 'DESC'];
  }
}
