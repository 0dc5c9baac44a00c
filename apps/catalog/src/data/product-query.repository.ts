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

  async findProduct(lookup: ProductLookup, options: { from: 'primary' | 'read pool' } = { from: 'primary' }): Promise<ProductWithAvailability | undefined> {
    const [column, value] = 'id' in lookup ? ['p.id', lookup.id] : ['p.sku', lookup.sku];
    const params: unknown[] = [value];
    let sql = `SELECT ${productColumns} ${productFrom} WHERE ${column} = $1`;
    if (lookup.statuses) {
      params.push(lookup.statuses);
      sql += ' AND p.status = ANY($2::text[])';
    }
    const { rows } = options.from === 'read pool' ? await this.db.readQuery<ProductRow>(sql, params) : await this.db.query<ProductRow>(sql, params);
    return rows[0] ? toProduct(rows[0]) : undefined;
  }

  async searchProducts(search: ProductSearch): Promise<ProductHit[]> {
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const statuses = param(search.statuses);
    // In a market, its currency's row of the price list; a product without one keeps its own price.
    const marketPrice = search.currency === undefined ? undefined : param(search.currency);
    const listedPrice = marketPrice ? 'coalesce(mp.amount_minor, p.price_amount)' : 'p.price_amount';
    const marketJoin = marketPrice ? `LEFT JOIN product_prices mp ON mp.product_id = p.id AND mp.currency = ${marketPrice}::text` : '';
    // The filters that do not depend on the listed price (the statuses apart: the market price sort splits them).
    const where: string[] = [];
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
    const minPrice = search.minPrice === undefined ? undefined : param(search.minPrice);
    const maxPrice = search.maxPrice === undefined ? undefined : param(search.maxPrice);
    /** The price range filters on `price`, the SQL of the listed price where they are applied. */
    const priceRange = (price: string): string[] => [...(minPrice ? [`${price} >= ${minPrice}`] : []), ...(maxPrice ? [`${price} <= ${maxPrice}`] : [])];
    if (search.inStock !== undefined) where.push(`coalesce(i.on_hand, 0) - coalesce(i.reserved, 0) ${search.inStock ? '>' : '<='} 0`);
    if (search.maxAvailable !== undefined) where.push(`coalesce(i.on_hand, 0) - coalesce(i.reserved, 0) <= ${param(search.maxAvailable)}`);

    const [keyColumn, direction] = orderOf(search.sort);
    let after: { key: string; id: string } | undefined;
    if (search.after) {
      const position = search.after;
      const key = position.sort === 'newest' ? `${param(position.createdAt)}::timestamptz` : position.sort === 'relevance' ? `${param(position.rank)}::bigint` : `${param(position.price)}::bigint`;
      after = { key, id: `${param(position.id)}::uuid` };
    }
    const limit = param(search.limit + 1);
    const page = { direction, after, limit };

    const sql =
      marketPrice && !search.q && keyColumn === 'listed_price'
        ? marketPriceSortSql({ currency: marketPrice, statuses, where, priceRange, page })
        : `
      SELECT * FROM (
        SELECT ${productColumns}, ${rank} AS rank, ${listedPrice} AS listed_price ${productFrom} ${marketJoin} ${translationJoin}
        WHERE ${[`p.status = ANY(${statuses}::text[])`, ...where, ...priceRange(listedPrice)].join(' AND ')}
      ) hits
      ${after ? `WHERE ${keysetAfter(`hits.${keyColumn}`, 'hits.id', page).join(' AND ')}` : ''}
      ORDER BY hits.${keyColumn} ${direction}, hits.id ${direction}
      LIMIT ${limit}`;
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

/** The ends of the bigint and uuid orders, for a keyset bound that lets every row through. */
const maxBigint = '9223372036854775807';
const minUuid = '00000000-0000-0000-0000-000000000000';
const maxUuid = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/** Where a page starts and how long it is: the sort direction, the keyset position after which it starts, the LIMIT placeholder. */
interface PageBounds {
  direction: 'ASC' | 'DESC';
  after?: { key: string; id: string };
  limit: string;
}

/** The keyset condition "(key, id) comes after the page's start position" in the page's direction; none on a first page. */
function keysetAfter(key: string, id: string, page: PageBounds): string[] {
  return page.after ? [`(${key}, ${id}) ${page.direction === 'DESC' ? '<' : '>'} (${page.after.key}, ${page.after.id})`] : [];
}

/**
 * A page of a market's search sorted by price, without q. The listed price is the product's row in the market
 * currency, or its own price when it has none (no rate for its currency); sorting by that coalesce would read and sort
 * every product for every page. A product is in exactly one of two sets, each of which an index reads in price order:
 * - `priced`: products with a row in the currency, read through product_prices (currency, amount_minor, product_id);
 * - `unpriced`: products without one, read through products (status, price_amount, id), one ordered scan per status
 *   (an `= ANY(statuses)` condition would make PostgreSQL 15 sort instead), each checked for a row in the currency.
 * Both start after the cursor and stop after one page; the merge of the two keeps the page's first rows. Nearly every
 * product usually has a row in the currency, so `unpriced` would probe its way through the whole catalog to find
 * none: it stops at the last price of a full `priced` page, since nothing beyond it can make this page. Only the
 * page's rows are then joined to their columns.
 */
function marketPriceSortSql(search: { currency: string; statuses: string; where: string[]; priceRange: (price: string) => string[]; page: PageBounds }): string {
  const { currency, statuses, where, priceRange, page } = search;
  const { direction, limit } = page;
  // The last price of a full `priced` page (none when it is short). A row comparison rather than `price_amount <= …`:
  // beside a minPrice that would read as a range with an unknown end, estimated at 0.5 % of the rows, and the planner
  // would then sort the whole range instead of walking the index.
  const pageEnd =
    direction === 'ASC'
      ? `(p.price_amount, p.id) <= (coalesce((SELECT max(listed_price) FROM priced HAVING count(*) = ${limit}), ${maxBigint}), '${maxUuid}'::uuid)`
      : `(p.price_amount, p.id) >= (coalesce((SELECT min(listed_price) FROM priced HAVING count(*) = ${limit}), 0), '${minUuid}'::uuid)`;
  return `
    WITH priced AS (
      SELECT p.id, mp.amount_minor AS listed_price
      FROM product_prices mp
      JOIN products p ON p.id = mp.product_id
      LEFT JOIN inventory i ON i.product_id = p.id
      WHERE ${[`mp.currency = ${currency}::text`, `p.status = ANY(${statuses}::text[])`, ...where, ...priceRange('mp.amount_minor'), ...keysetAfter('mp.amount_minor', 'mp.product_id', page)].join(' AND ')}
      ORDER BY mp.amount_minor ${direction}, mp.product_id ${direction}
      LIMIT ${limit}
    ), unpriced AS (
      SELECT unpriced.id, unpriced.listed_price
      FROM (SELECT DISTINCT unnest(${statuses}::text[]) AS status) s
      CROSS JOIN LATERAL (
        SELECT p.id, p.price_amount AS listed_price
        FROM products p
        LEFT JOIN inventory i ON i.product_id = p.id
        WHERE ${['p.status = s.status', ...where, ...priceRange('p.price_amount'), ...keysetAfter('p.price_amount', 'p.id', page), pageEnd].join(' AND ')}
          AND NOT EXISTS (SELECT 1 FROM product_prices own WHERE own.product_id = p.id AND own.currency = ${currency}::text)
        ORDER BY p.price_amount ${direction}, p.id ${direction}
        LIMIT ${limit}
      ) unpriced
    )
    SELECT ${productColumns}, 0::bigint AS rank, hits.listed_price ${productFrom}
    JOIN (
      SELECT id, listed_price FROM priced
      UNION ALL
      SELECT id, listed_price FROM unpriced
      ORDER BY listed_price ${direction}, id ${direction}
      LIMIT ${limit}
    ) hits ON hits.id = p.id
    ORDER BY hits.listed_price ${direction}, hits.id ${direction}`;
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
